import type { Clock } from '../core/index.js'
import { BoundedFifo } from './bounded-fifo.js'
import type { DeliveryAttempts } from './deliver-with-retry.js'
import type { Deliverer } from './deliverer.js'
import type { DeliveryLog } from './delivery-log.js'
import { droppedRecord, pendingRecord } from './delivery-record.js'
import type { DeliveryRecord, DropReason } from './delivery-record.js'
import type { Notification } from './webhook-payload.js'

/** What `enqueue` did with a notification. A refused one is already recorded as dropped. */
export type EnqueueOutcome =
  { readonly accepted: true } | { readonly accepted: false; readonly reason: DropReason }

export interface DeliveryQueueOptions {
  readonly receiver: string
  /** Notifications waiting (the one in flight not counted). */
  readonly capacity: number
  readonly deliverer: Deliverer
  readonly log: DeliveryLog
  readonly clock: Clock
}

interface Entry {
  readonly notification: Notification
  readonly enqueuedAtMs: number
}

/**
 * One receiver's bounded queue and its single worker. Notifications are delivered one at a time in
 * arrival order (a receiver sees a group's firing before its resolved). When `capacity` are waiting,
 * a new one evicts the oldest waiting (recorded dropped, `queue_full`): under a long outage the
 * newest state changes are the ones worth sending. Every notification gets exactly one record.
 */
export class DeliveryQueue {
  readonly receiver: string
  readonly #opts: DeliveryQueueOptions
  readonly #fifo: BoundedFifo<Entry>
  /** Aborted when the shutdown deadline passes: cuts the attempt in flight, drops the rest. */
  readonly #abort = new AbortController()
  #inFlight: Entry | undefined
  #worker: Promise<void> | undefined
  #isClosed = false
  #isRunning = false
  #received = 0

  constructor(opts: DeliveryQueueOptions) {
    this.receiver = opts.receiver
    this.#opts = opts
    this.#fifo = new BoundedFifo(opts.capacity)
  }

  /** Notifications waiting (not counting the one in flight). */
  get depth(): number {
    return this.#fifo.size
  }

  get isDelivering(): boolean {
    return this.#inFlight !== undefined
  }

  /** Notifications routed to this receiver since start (`enqueue` and `refuse`): one record each. */
  get received(): number {
    return this.#received
  }

  /** Queues `notification` (synchronously; never throws). After `close`, refuses it (`shutdown`). */
  enqueue(notification: Notification): EnqueueOutcome {
    if (this.#isClosed) return this.refuse(notification, 'shutdown')
    this.#received++
    const entry = { notification, enqueuedAtMs: this.#opts.clock.nowMs() }
    const evicted = this.#fifo.push(entry)
    if (evicted !== undefined) this.#drop(evicted, 'queue_full')
    if (this.#worker === undefined) {
      const worker = this.#run()
      // #run takes the first entry synchronously; keep the promise only while it still runs
      if (this.#isRunning) this.#worker = worker
    }
    return { accepted: true }
  }

  /** Counts `notification` as received and records it dropped for `reason` without queueing it. */
  refuse(notification: Notification, reason: DropReason): EnqueueOutcome {
    this.#received++
    this.#drop({ notification, enqueuedAtMs: this.#opts.clock.nowMs() }, reason)
    return { accepted: false, reason }
  }

  /** Resolves once nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.#worker !== undefined) await this.#worker
  }

  /**
   * Stops accepting, delivers what is queued until `deadline` aborts, then cuts the attempt in
   * flight (recorded failed, `NOTIFY_ABORTED`) and drops the rest (`shutdown`); closes the
   * deliverer. Idempotent.
   */
  async close(deadline: AbortSignal): Promise<void> {
    this.#isClosed = true
    const onDeadline = (): void => this.#abort.abort()
    if (deadline.aborted) onDeadline()
    else deadline.addEventListener('abort', onDeadline, { once: true })
    try {
      await this.idle()
    } finally {
      deadline.removeEventListener('abort', onDeadline)
    }
    this.#opts.deliverer.close()
  }

  async #run(): Promise<void> {
    this.#isRunning = true
    try {
      for (let entry = this.#fifo.shift(); entry !== undefined; entry = this.#fifo.shift()) {
        if (this.#abort.signal.aborted) {
          this.#drop(entry, 'shutdown')
          continue
        }
        this.#inFlight = entry
        const result = await this.#deliver(entry.notification)
        this.#inFlight = undefined
        this.#record(entry, result)
      }
    } finally {
      this.#isRunning = false
      this.#worker = undefined
    }
  }

  async #deliver(notification: Notification): Promise<DeliveryAttempts | Error> {
    try {
      return await this.#opts.deliverer.deliver(notification, this.#abort.signal)
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err)) // a deliverer bug: record it, go on
    }
  }

  #record(entry: Entry, result: DeliveryAttempts | Error): void {
    const base = this.#base(entry)
    if (result instanceof Error) {
      this.#opts.log.record({
        ...base,
        status: 'failed',
        errorCode: 'NOTIFY_INTERNAL',
        error: result.message,
      })
    } else if (result.kind === 'delivered') {
      this.#opts.log.record({
        ...base,
        status: 'delivered',
        attempts: result.attempts,
        httpStatus: result.httpStatus,
      })
    } else {
      this.#opts.log.record({
        ...base,
        status: 'failed',
        attempts: result.attempts,
        httpStatus: result.httpStatus ?? null,
        errorCode: result.error.code,
        error: result.error.message,
      })
    }
  }

  #drop(entry: Entry, reason: DropReason): void {
    const now = this.#opts.clock.nowMs()
    this.#opts.log.record(droppedRecord(this.receiver, entry.notification, reason, entry.enqueuedAtMs, now))
  }

  #base(entry: Entry): Omit<DeliveryRecord, 'status'> {
    return pendingRecord(this.receiver, entry.notification, entry.enqueuedAtMs, this.#opts.clock.nowMs())
  }
}
