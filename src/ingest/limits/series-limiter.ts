import { labelsKey } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'

/**
 * Bounds the distinct metric series of one tenant (DESIGN.md §4.6). A series is active when it was
 * seen within the last one to two `ttlMs` periods: two generations of key sets are kept, and a
 * series seen while in the old one moves to the current one; every `ttlMs` the old generation is
 * dropped. The active count is exactly `current.size + previous.size`.
 *
 * A new series is admitted while the count is under `maxSeries`; beyond it, new series are refused
 * (their samples are dead-lettered with reason `series_limit`) while active series keep flowing.
 * Keys are the interned `labelsKey` strings the decoders already hold, so a series costs one set
 * entry here.
 */
export class SeriesLimiter {
  readonly #maxSeries: number
  readonly #ttlMs: number
  #current = new Set<string>()
  #previous = new Set<string>()
  #rotatedAtMs: number

  constructor(maxSeries: number, ttlMs: number, nowMs: number) {
    this.#maxSeries = maxSeries
    this.#ttlMs = ttlMs
    this.#rotatedAtMs = nowMs
  }

  get activeSeries(): number {
    return this.#current.size + this.#previous.size
  }

  /**
   * Decides every series of a batch at once: `admitted[i]` is 1 when `series[i]` may flow. Returns
   * the number refused.
   */
  admit(series: readonly Labels[], nowMs: number, admitted: Uint8Array): number {
    if (nowMs - this.#rotatedAtMs >= this.#ttlMs) this.#rotate(nowMs)
    let refused = 0
    for (let i = 0; i < series.length; i++) {
      const key = labelsKey(series[i]!)
      if (this.#current.has(key)) {
        admitted[i] = 1
      } else if (this.#previous.delete(key)) {
        this.#current.add(key)
        admitted[i] = 1
      } else if (this.activeSeries < this.#maxSeries) {
        this.#current.add(key)
        admitted[i] = 1
      } else {
        admitted[i] = 0
        refused++
      }
    }
    return refused
  }

  #rotate(nowMs: number): void {
    // Series left in `previous` were not seen for a whole period: forgotten. After a silence of two
    // periods or more, `current` is stale too.
    this.#previous = nowMs - this.#rotatedAtMs >= 2 * this.#ttlMs ? new Set() : this.#current
    this.#current = new Set()
    this.#rotatedAtMs = nowMs
  }
}
