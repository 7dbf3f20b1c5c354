import type { Labels } from '../../core/batch/index.js'

/**
 * Validated label sets of recently seen series, keyed by their raw protobuf bytes. Prometheus sends
 * the same series in request after request with byte-identical labels, so a hit skips decoding,
 * validating and sorting ~20 label strings per series (the main per-series cost). Label arrays are
 * shared between batches, which is safe: batches are immutable.
 *
 * Bounded: when `maxSeries` entries are held the cache is emptied and refills with what comes next
 * (cheaper than LRU bookkeeping on the hot path). Memory is roughly `maxSeries` × (raw label bytes +
 * the strings), about 2-3 KiB per series with 20 labels. Not shared between threads.
 */
export interface CachedSeries {
  readonly labels: Labels
  readonly metricName: string
}

export const DEFAULT_MAX_CACHED_SERIES = 50_000

export class SeriesCache {
  readonly #map = new Map<string, CachedSeries>()
  readonly #max: number

  constructor(maxSeries = DEFAULT_MAX_CACHED_SERIES) {
    this.#max = maxSeries
  }

  get size(): number {
    return this.#map.size
  }

  get(rawLabels: string): CachedSeries | undefined {
    return this.#map.get(rawLabels)
  }

  set(rawLabels: string, series: CachedSeries): void {
    if (this.#max <= 0) return
    if (this.#map.size >= this.#max) this.#map.clear()
    this.#map.set(rawLabels, series)
  }
}
