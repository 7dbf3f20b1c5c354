import { dropReasons } from './delivery-record.js'
import type { DeliveryRecord, DropReason } from './delivery-record.js'

/**
 * Where delivery outcomes go: `record` is called exactly once per notification, when its outcome
 * is final (delivered, failed or dropped), in the order outcomes become final. It must not throw
 * and must not block: an implementation that persists (the store, later) buffers and writes
 * asynchronously, with its own bound.
 */
export interface DeliveryLog {
  record(record: DeliveryRecord): void
}

export const DEFAULT_DELIVERY_LOG_CAPACITY = 10_000
/** Receivers counted by name; outcomes for further names (e.g. unknown receivers) go to `_other`. */
export const MAX_COUNTED_RECEIVERS = 1_024
export const OTHER_RECEIVER = '_other'

/** Totals for one receiver since start. */
export interface DeliveryCounters {
  readonly delivered: number
  readonly failed: number
  readonly dropped: Readonly<Record<DropReason, number>>
  /** HTTP attempts over all its notifications (attempts − notifications = retries). */
  readonly attempts: number
}

interface MutableCounters {
  delivered: number
  failed: number
  dropped: Record<DropReason, number>
  attempts: number
}

/**
 * The in-memory delivery log: the last `capacity` records in a ring (older ones are overwritten)
 * and counters per receiver that never reset. Counters cover every record, also those the ring no
 * longer holds.
 *
 * ```ts
 * const log = new MemoryDeliveryLog(1_000)
 * const notifier = Notifier.create(config, { ...settings, deliveryLog: log })
 * log.counters().get('ops')?.delivered
 * ```
 */
export class MemoryDeliveryLog implements DeliveryLog {
  readonly capacity: number
  readonly #ring: (DeliveryRecord | undefined)[]
  #next = 0
  #total = 0
  readonly #counters = new Map<string, MutableCounters>()

  constructor(capacity = DEFAULT_DELIVERY_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`)
    this.capacity = capacity
    this.#ring = new Array<DeliveryRecord | undefined>(capacity)
  }

  record(record: DeliveryRecord): void {
    this.#ring[this.#next] = record
    this.#next = (this.#next + 1) % this.capacity
    this.#total++
    const c = this.#countersFor(record.receiver)
    c.attempts += record.attempts
    if (record.status === 'delivered') c.delivered++
    else if (record.status === 'failed') c.failed++
    else c.dropped[record.dropReason ?? 'invalid']++
  }

  /** Records ever written (the ring holds the last `capacity`). */
  get total(): number {
    return this.#total
  }

  /** The newest `limit` records still held, oldest first. */
  recent(limit = this.capacity): DeliveryRecord[] {
    const held = Math.min(this.#total, this.capacity)
    const n = Math.max(0, Math.min(limit, held))
    const out: DeliveryRecord[] = []
    for (let i = n; i > 0; i--) out.push(this.#ring[(this.#next - i + this.capacity) % this.capacity]!)
    return out
  }

  /** Counters per receiver name (and `_other`). A copy. */
  counters(): Map<string, DeliveryCounters> {
    const out = new Map<string, DeliveryCounters>()
    for (const [name, c] of this.#counters) out.set(name, { ...c, dropped: { ...c.dropped } })
    return out
  }

  #countersFor(receiver: string): MutableCounters {
    let c = this.#counters.get(receiver)
    if (c !== undefined) return c
    const name = this.#counters.size < MAX_COUNTED_RECEIVERS ? receiver : OTHER_RECEIVER
    c = this.#counters.get(name)
    if (c === undefined) {
      const dropped = Object.fromEntries(dropReasons.map((r) => [r, 0])) as Record<DropReason, number>
      c = { delivered: 0, failed: 0, dropped, attempts: 0 }
      this.#counters.set(name, c)
    }
    return c
  }
}

/** Sends every record to each of `logs` (e.g. the memory log and a store-backed one). */
export function fanOutDeliveryLog(...logs: DeliveryLog[]): DeliveryLog {
  return { record: (r) => logs.forEach((log) => log.record(r)) }
}
