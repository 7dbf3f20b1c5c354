import { AlertmanagerClient } from './alertmanager-client.js'
import type { NotifyConfig, ReceiverConfig } from './config.js'
import type { Deliverer, DelivererSettings } from './deliverer.js'
import type { DeliveryLog } from './delivery-log.js'
import { DeliveryQueue } from './delivery-queue.js'
import type { EnqueueOutcome } from './delivery-queue.js'
import { droppedRecord } from './delivery-record.js'
import type { Notification } from './webhook-payload.js'
import { WebhookSender } from './webhook-sender.js'

/** Printable ASCII without space, `"` and `\`, 1–255 characters: safe as a bare header value. */
const IDEMPOTENCY_KEY = /^[!#-[\]-~]{1,255}$/

export interface NotifierSettings extends DelivererSettings {
  /** Gets one record per notification handed to `notify`, when its outcome is final. */
  readonly deliveryLog: DeliveryLog
}

/** One receiver's state, for status pages and tests. */
export interface ReceiverStatus {
  readonly name: string
  readonly kind: ReceiverConfig['kind']
  /** Notifications routed to it since start, refused ones included: each has one record. */
  readonly received: number
  /** Waiting in its queue. */
  readonly queued: number
  readonly isDelivering: boolean
}

/**
 * The notify stage: routes each notification to the receiver named by `payload.receiver` and
 * delivers it from that receiver's bounded queue (webhook or Alertmanager). `notify` is
 * synchronous and never throws; every notification ends in exactly one `DeliveryLog` record
 * (delivered, failed or dropped with a reason). Construction does no I/O.
 *
 * ```ts
 * const log = new MemoryDeliveryLog()
 * const notifier = Notifier.create(parseNotifyConfig(yaml.notify), {
 *   clock: systemClock, sleep: realSleep, random: Math.random, deliveryLog: log,
 * })
 * notifier.notify({ idempotencyKey, tenant: 'acme', payload })
 * await notifier.shutdown(AbortSignal.timeout(10_000))
 * ```
 */
export class Notifier {
  readonly #queues: ReadonlyMap<string, { readonly config: ReceiverConfig; readonly queue: DeliveryQueue }>
  readonly #settings: NotifierSettings
  #shutdown: Promise<void> | undefined
  #unrouted = 0

  private constructor(config: NotifyConfig, settings: NotifierSettings) {
    this.#settings = settings
    const queues = new Map<string, { config: ReceiverConfig; queue: DeliveryQueue }>()
    for (const receiver of config.receivers) {
      const deliverer: Deliverer =
        receiver.kind === 'webhook'
          ? new WebhookSender(receiver, settings)
          : new AlertmanagerClient(receiver, settings)
      const queue = new DeliveryQueue({
        receiver: receiver.name,
        capacity: receiver.queueSize,
        deliverer,
        log: settings.deliveryLog,
        clock: settings.clock,
      })
      queues.set(receiver.name, { config: receiver, queue })
    }
    this.#queues = queues
  }

  /** `config` must come from `parseNotifyConfig` (validated, defaults filled). */
  static create(config: NotifyConfig, settings: NotifierSettings): Notifier {
    return new Notifier(config, settings)
  }

  /** Queues `notification` for its receiver; a refusal is already recorded as dropped. */
  notify(notification: Notification): EnqueueOutcome {
    const name = notification.payload.receiver
    const target = this.#queues.get(name)
    if (target === undefined) {
      this.#unrouted++
      const now = this.#settings.clock.nowMs()
      this.#settings.deliveryLog.record(droppedRecord(name, notification, 'unknown_receiver', now, now))
      return { accepted: false, reason: 'unknown_receiver' }
    }
    const { config, queue } = target
    if (!IDEMPOTENCY_KEY.test(notification.idempotencyKey)) return queue.refuse(notification, 'invalid')
    if (config.tenants !== null && !config.tenants.includes(notification.tenant)) {
      return queue.refuse(notification, 'tenant_not_allowed')
    }
    return queue.enqueue(notification)
  }

  status(): ReceiverStatus[] {
    return [...this.#queues.values()].map(({ config, queue }) => ({
      name: config.name,
      kind: config.kind,
      received: queue.received,
      queued: queue.depth,
      isDelivering: queue.isDelivering,
    }))
  }

  /** Notifications refused because no receiver has their `payload.receiver` name. */
  get unrouted(): number {
    return this.#unrouted
  }

  /** Resolves once every queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    await Promise.all([...this.#queues.values()].map(({ queue }) => queue.idle()))
  }

  /**
   * Refuses new notifications (`shutdown`), delivers what is queued until `deadline` aborts, then
   * abandons the rest (recorded) and closes connections. Idempotent; safe to call concurrently.
   */
  shutdown(deadline: AbortSignal): Promise<void> {
    this.#shutdown ??= Promise.all([...this.#queues.values()].map(({ queue }) => queue.close(deadline))).then(
      () => undefined,
    )
    return this.#shutdown
  }
}
