import { labelsKey, seriesSlot, seriesSlotEpoch } from './labels.js'
import type { Labels } from './labels.js'

/**
 * A batch of metric samples of one tenant, columnar (DESIGN.md §5): a series dictionary, then one
 * entry per sample in three typed arrays. No object per sample: decoders append into a
 * `MetricBatchBuilder`, detectors loop over the arrays.
 *
 * Every OTLP point type maps onto samples the way Prometheus' OTLP translation does: gauge and sum
 * points are one sample; a histogram point becomes `_bucket{le=…}` (cumulative), `_sum` and
 * `_count` samples; a summary point becomes `{quantile=…}`, `_sum` and `_count` samples. What has
 * no sample form yet (exponential histograms) is kept whole in `keptPoints`, never dropped.
 *
 * Immutable once built (`readonly`; the typed arrays must not be written after `build()`).
 */
export const seriesKinds = ['unknown', 'gauge', 'counter', 'histogram', 'summary'] as const
export type SeriesKind = (typeof seriesKinds)[number]
export const SERIES_KIND_CODE: Readonly<Record<SeriesKind, number>> = {
  unknown: 0,
  gauge: 1,
  counter: 2,
  histogram: 3,
  summary: 4,
}

/** A point kept in its original encoding because it has no sample form yet. */
export interface KeptPoint {
  readonly kind: 'exponential_histogram'
  /** Index into `series` (the point's labels, without bucket labels). */
  readonly series: number
  readonly timestampMs: number
  /** The point as received (e.g. an OTLP ExponentialHistogramDataPoint message). */
  readonly payload: Uint8Array
}

export interface MetricBatch {
  readonly kind: 'metrics'
  readonly tenant: string
  /** Series dictionary: each entry a sorted label set including `__name__`. */
  readonly series: readonly Labels[]
  /** Per series: a `SERIES_KIND_CODE`. */
  readonly seriesKinds: Uint8Array
  /** Number of samples. */
  readonly length: number
  /** Per sample: index into `series`. */
  readonly seriesIdx: Uint32Array
  /** Per sample: epoch milliseconds. */
  readonly ts: Float64Array
  /** Per sample: the value (NaN and ±Inf allowed, as in Prometheus). */
  readonly value: Float64Array
  readonly keptPoints: readonly KeptPoint[]
}

/**
 * Builds a MetricBatch without an object per sample. Series are interned by label set.
 *
 * ```ts
 * const b = new MetricBatchBuilder('acme')
 * const s = b.series(['__name__', 'up', 'job', 'api'], 'gauge')
 * b.sample(s, 1_700_000_000_000, 1)
 * const batch = b.build()
 * ```
 */
let nextGeneration = 1
let activeBuilder: MetricBatchBuilder | undefined

export class MetricBatchBuilder {
  readonly #tenant: string
  readonly #series: Labels[] = []
  #kinds = new Uint8Array(16)
  /**
   * Series are interned through shared slots (`seriesSlot`) stamped with this builder's
   * generation. If another builder interns series between two of this one's calls, or the slot
   * table starts a new epoch, the stamps can no longer be trusted and this map takes over.
   */
  #index: Map<string, number> | undefined
  readonly #generation = nextGeneration++
  readonly #slotEpoch = seriesSlotEpoch()
  #seriesIdx: Uint32Array
  #ts: Float64Array
  #value: Float64Array
  #length = 0
  readonly #kept: KeptPoint[] = []

  constructor(tenant: string, expectedSamples = 256) {
    this.#tenant = tenant
    const cap = Math.max(16, expectedSamples)
    this.#seriesIdx = new Uint32Array(cap)
    this.#ts = new Float64Array(cap)
    this.#value = new Float64Array(cap)
  }

  get length(): number {
    return this.#length
  }

  get seriesCount(): number {
    return this.#series.length
  }

  /** The index of `labels` (sorted, with `__name__`), adding it on first sight. */
  series(labels: Labels, kind: SeriesKind = 'unknown'): number {
    if (this.#index === undefined && (activeBuilder !== this || seriesSlotEpoch() !== this.#slotEpoch)) {
      if (this.#series.length > 0 || seriesSlotEpoch() !== this.#slotEpoch) this.#useMap()
      // Which builder stamped the slots last is module state, compared by identity, not an alias.
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      activeBuilder = this
    }
    let idx: number
    if (this.#index === undefined) {
      const slot = seriesSlot(labels)
      if (seriesSlotEpoch() !== this.#slotEpoch) return this.series(labels, kind) // the table wrapped
      if (slot.stamp === this.#generation) return slot.index
      idx = this.#series.length
      slot.stamp = this.#generation
      slot.index = idx
    } else {
      const key = labelsKey(labels)
      const known = this.#index.get(key)
      if (known !== undefined) return known
      idx = this.#series.length
      this.#index.set(key, idx)
    }
    this.#series.push(labels)
    if (idx === this.#kinds.length) {
      const grown = new Uint8Array(idx * 2)
      grown.set(this.#kinds)
      this.#kinds = grown
    }
    this.#kinds[idx] = SERIES_KIND_CODE[kind]
    return idx
  }

  #useMap(): void {
    const index = new Map<string, number>()
    this.#series.forEach((labels, i) => index.set(labelsKey(labels), i))
    this.#index = index
  }

  sample(series: number, timestampMs: number, value: number): void {
    if (this.#length === this.#ts.length) this.#grow()
    const i = this.#length++
    this.#seriesIdx[i] = series
    this.#ts[i] = timestampMs
    this.#value[i] = value
  }

  keep(point: KeptPoint): void {
    this.#kept.push(point)
  }

  build(): MetricBatch {
    const n = this.#length
    return {
      kind: 'metrics',
      tenant: this.#tenant,
      series: this.#series,
      seriesKinds: this.#kinds.slice(0, this.#series.length),
      length: n,
      seriesIdx: this.#seriesIdx.subarray(0, n),
      ts: this.#ts.subarray(0, n),
      value: this.#value.subarray(0, n),
      keptPoints: this.#kept,
    }
  }

  #grow(): void {
    const cap = this.#ts.length * 2
    const seriesIdx = new Uint32Array(cap)
    seriesIdx.set(this.#seriesIdx)
    const ts = new Float64Array(cap)
    ts.set(this.#ts)
    const value = new Float64Array(cap)
    value.set(this.#value)
    this.#seriesIdx = seriesIdx
    this.#ts = ts
    this.#value = value
  }
}
