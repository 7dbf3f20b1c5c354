import type { Labels } from '../../core/batch/index.js'
import type { RejectReason } from './decode-result.js'

/**
 * What the protobuf decoder learned about a point's series, keyed by resource, metric and the raw
 * bytes of the point's attributes. OTLP senders export the same series request after request with
 * byte-identical attributes, so a hit skips decoding, sanitising, validating and sorting labels.
 * Mutable on purpose: `epoch`/`index` remember the series' index in the batch being built, so a
 * series costs one `MetricBatchBuilder.series` call per request, not one per point.
 */
export interface CachedSeries {
  /** The point's label set (histogram/summary: the family's base labels); undefined if rejected. */
  readonly labels: Labels | undefined
  readonly reason: RejectReason | undefined
  /** The request in which `index` / `familyIndexes` were interned. */
  epoch: number
  index: number
  /** Histogram and summary: the series a point writes, and the bounds/quantiles they were made for. */
  family: Labels[] | undefined
  familyBounds: Float64Array
  familyHasSum: boolean
  familyHasCounts: boolean
  familyIndexes: number[]
}

export const DEFAULT_MAX_CACHED_SERIES = 100_000

/**
 * Bounded: at `maxSeries` entries the cache is emptied and refills with what comes next (cheaper
 * than LRU bookkeeping on the hot path). Roughly (attribute bytes + labels) per entry, ~1 KiB for
 * a series with 10 labels. Not shared between threads; a decode is synchronous, so one cache can
 * serve every request of a receiver in turn.
 */
export class SeriesCache {
  /** Per metric (resource + name + shape), then per raw attribute bytes: two short keys hash faster than one long one. */
  readonly #metrics = new Map<string, Map<string, CachedSeries>>()
  readonly #max: number
  #size = 0
  #epoch = 0

  constructor(maxSeries = DEFAULT_MAX_CACHED_SERIES) {
    this.#max = maxSeries
  }

  get size(): number {
    return this.#size
  }

  /** A new request: indexes interned before are void. */
  nextEpoch(): number {
    return ++this.#epoch
  }

  /** The series of one metric, keyed by the latin1 text of their raw attribute bytes. */
  metric(key: string): Map<string, CachedSeries> {
    let m = this.#metrics.get(key)
    if (m === undefined) {
      m = new Map()
      this.#metrics.set(key, m)
    }
    return m
  }

  add(
    metric: Map<string, CachedSeries>,
    key: string,
    labels: Labels | undefined,
    reason: RejectReason | undefined,
  ): CachedSeries {
    const entry: CachedSeries = {
      labels,
      reason,
      epoch: 0,
      index: -1,
      family: undefined,
      familyBounds: EMPTY,
      familyHasSum: false,
      familyHasCounts: false,
      familyIndexes: [],
    }
    if (this.#max <= 0) return entry
    if (this.#size >= this.#max) {
      for (const m of this.#metrics.values()) m.clear()
      this.#metrics.clear()
      this.#size = 0
    }
    metric.set(key, entry)
    this.#size++
    return entry
  }
}

const EMPTY = new Float64Array(0)
