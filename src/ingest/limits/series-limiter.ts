/**
 * Bounds the distinct metric series of one tenant (DESIGN.md §4.6). A series is named by its
 * 53-bit `labelsHash` (computed where the batch is decoded, possibly on a decode thread, and
 * passed here as numbers). A series is active when it was seen within the last one to two `ttlMs`
 * periods: two generations of hash sets are kept, and a series seen while in the old one moves to
 * the current one; every `ttlMs` the old generation is dropped. The active count is exactly
 * `current.size + previous.size`.
 *
 * A new series is admitted while the count is under `maxSeries`; beyond it, new series are refused
 * (their samples are dead-lettered with reason `series_limit`) while active series keep flowing.
 * Memory: one set entry (a number) per active series, about 40 bytes.
 */
export class SeriesLimiter {
  readonly #maxSeries: number
  readonly #ttlMs: number
  #current = new Set<number>()
  #previous = new Set<number>()
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
   * Decides every series of a batch at once: `admitted[i]` is 1 when the series with hash
   * `hashes[i]` may flow. Returns the number refused.
   */
  admit(hashes: Float64Array, nowMs: number, admitted: Uint8Array): number {
    if (nowMs - this.#rotatedAtMs >= this.#ttlMs) this.#rotate(nowMs)
    let refused = 0
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!
      if (this.#current.has(h)) {
        admitted[i] = 1
      } else if (this.#previous.delete(h)) {
        this.#current.add(h)
        admitted[i] = 1
      } else if (this.activeSeries < this.#maxSeries) {
        this.#current.add(h)
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
