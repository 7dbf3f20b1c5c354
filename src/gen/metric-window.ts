import type { MetricCatalog } from './metric-catalog.js'

/**
 * Which instruments the next metrics request covers: consecutive ones from a cursor that wraps
 * around the catalog, whole instruments only, at most `maxSamples` samples, and never the same
 * instrument twice in one request (so every series has at most one sample per request, at the
 * request's timestamp). A request's size is therefore at most the catalog's total series.
 */
export class MetricWindow {
  readonly #catalog: MetricCatalog
  #cursor = 0
  /** Set by `next`: first instrument and how many (they may wrap past the end). */
  from = 0
  count = 0
  samples = 0

  constructor(catalog: MetricCatalog) {
    this.#catalog = catalog
  }

  next(maxSamples: number): void {
    const c = this.#catalog
    this.from = this.#cursor
    this.count = 0
    this.samples = 0
    while (this.count < c.length) {
      const i = (this.from + this.count) % c.length
      const n = c.seriesCount[i]!
      if (this.samples + n > maxSamples && this.count > 0) break
      this.samples += n
      this.count++
    }
    this.#cursor = (this.from + this.count) % c.length
  }

  /** The instrument at position `k` of the current window. */
  at(k: number): number {
    return (this.from + k) % this.#catalog.length
  }
}
