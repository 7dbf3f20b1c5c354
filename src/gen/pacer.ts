import type { Clock } from '../core/index.js'

/**
 * Paces requests to a record rate. `reserve(records)` books the next slot and says how long to
 * wait before sending: slots follow each other by `records / rate` seconds, and a slot is never
 * earlier than now, so idle time (a server down, a backoff) builds no burst credit. Rate 0 means
 * no pacing. Shared by all workers of one signal, so `concurrency` does not multiply the rate.
 *
 * ```ts
 * const wait = pacer.reserve(2000) // ms
 * if (wait > 0) await sleep(wait)
 * ```
 */
export class Pacer {
  readonly #msPerRecord: number
  readonly #clock: Clock
  #nextMs = Number.NEGATIVE_INFINITY

  constructor(ratePerS: number, clock: Clock) {
    this.#msPerRecord = ratePerS > 0 ? 1000 / ratePerS : 0
    this.#clock = clock
  }

  /** When the next reservation would start (epoch ms; -Infinity when free now). */
  get nextMs(): number {
    return this.#nextMs
  }

  /** Books `records`; resolves to the wait in ms before they may go (0 = now). */
  reserve(records: number): number {
    if (this.#msPerRecord === 0) return 0
    const now = this.#clock.nowMs()
    const start = Math.max(this.#nextMs, now)
    this.#nextMs = start + records * this.#msPerRecord
    return start - now
  }

  /** Corrects the last booking once the real record count is known (`actual - reserved`). */
  adjust(extraRecords: number): void {
    if (this.#msPerRecord !== 0) this.#nextMs += extraRecords * this.#msPerRecord
  }
}
