import { METRIC_NAME_LABEL, labelValue } from '../../core/batch/index.js'
import type { Labels, MetricBatchBuilder } from '../../core/batch/index.js'
import { formatDouble } from './any-value-proto.js'
import type { RejectReason } from './decode-result.js'
import { withLabel } from './label-set.js'
import { STALE_NAN } from './stale-nan.js'

/**
 * Turns decoded histogram and summary points into samples, shared by the protobuf and JSON
 * decoders so both produce the same batch. `base` is the point's label set with `__name__` set to
 * the family name. A stale point (no recorded value) writes the staleness marker into every
 * sample, as Prometheus does.
 */

/** Scratch columns a decoder fills per point and reuses (no allocation per point). */
export class PointScratch {
  bounds: Float64Array = new Float64Array(32)
  counts: Float64Array = new Float64Array(32)
  nBounds = 0
  nCounts = 0
  readonly pushBoundFn = (v: number): void => this.pushBound(v)
  readonly pushCountFn = (v: number): void => this.pushCount(v)

  reset(): void {
    this.nBounds = 0
    this.nCounts = 0
  }

  pushBound(v: number): void {
    if (this.nBounds === this.bounds.length) this.bounds = grow(this.bounds)
    this.bounds[this.nBounds++] = v
  }

  /** Histogram bucket counts, or summary quantiles (then `bounds` holds the quantiles). */
  pushCount(v: number): void {
    if (this.nCounts === this.counts.length) this.counts = grow(this.counts)
    this.counts[this.nCounts++] = v
  }
}

function grow(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length * 2)
  out.set(a)
  return out
}

function renamed(base: Labels, suffix: string): Labels {
  return withLabel(base, METRIC_NAME_LABEL, (labelValue(base, METRIC_NAME_LABEL) ?? '') + suffix)
}

/** Checks an explicit-bucket histogram point before anything is written. */
export function checkHistogram(s: PointScratch): RejectReason | undefined {
  if (s.nCounts !== 0 && s.nCounts !== s.nBounds + 1) return 'invalid_histogram'
  for (let i = 1; i < s.nBounds; i++) if (!(s.bounds[i - 1]! < s.bounds[i]!)) return 'invalid_histogram'
  return undefined
}

/**
 * The series a histogram point writes, in order: `_bucket{le=…}` per bound (when the point has
 * bucket counts), `_bucket{le="+Inf"}`, `_sum` (when it has one), `_count`. Call `checkHistogram`
 * first. The list depends only on the labels, the bounds and `hasSum`, so decoders cache it.
 */
export function histogramLabels(base: Labels, s: PointScratch, hasSum: boolean): Labels[] {
  const bucket = renamed(base, '_bucket')
  const out: Labels[] = []
  if (s.nCounts > 0)
    for (let i = 0; i < s.nBounds; i++) out.push(withLabel(bucket, 'le', formatDouble(s.bounds[i]!)))
  out.push(withLabel(bucket, 'le', '+Inf'))
  if (hasSum) out.push(renamed(base, '_sum'))
  out.push(renamed(base, '_count'))
  return out
}

/** Samples for the series of `histogramLabels` (same order); bucket counts become cumulative. */
export function emitHistogram(
  b: MetricBatchBuilder,
  series: ArrayLike<number>,
  tsMs: number,
  isStale: boolean,
  count: number,
  sum: number | undefined,
  s: PointScratch,
): void {
  let k = 0
  let cumulative = 0
  if (s.nCounts > 0) {
    for (let i = 0; i < s.nBounds; i++) {
      cumulative += s.counts[i]!
      b.sample(series[k++]!, tsMs, isStale ? STALE_NAN : cumulative)
    }
  }
  b.sample(series[k++]!, tsMs, isStale ? STALE_NAN : count)
  if (sum !== undefined) b.sample(series[k++]!, tsMs, isStale ? STALE_NAN : sum)
  b.sample(series[k]!, tsMs, isStale ? STALE_NAN : count)
}

/** The series of a summary point: `{quantile=…}` per quantile (in `s.bounds`), `_sum`, `_count`. */
export function summaryLabels(base: Labels, s: PointScratch): Labels[] {
  const out: Labels[] = []
  const n = Math.min(s.nBounds, s.nCounts)
  for (let i = 0; i < n; i++) out.push(withLabel(base, 'quantile', formatDouble(s.bounds[i]!)))
  out.push(renamed(base, '_sum'), renamed(base, '_count'))
  return out
}

/** Samples for the series of `summaryLabels`: quantile values (in `s.counts`), sum, count. */
export function emitSummary(
  b: MetricBatchBuilder,
  series: ArrayLike<number>,
  tsMs: number,
  isStale: boolean,
  count: number,
  sum: number,
  s: PointScratch,
): void {
  const n = Math.min(s.nBounds, s.nCounts)
  for (let i = 0; i < n; i++) b.sample(series[i]!, tsMs, isStale ? STALE_NAN : s.counts[i]!)
  b.sample(series[n]!, tsMs, isStale ? STALE_NAN : sum)
  b.sample(series[n + 1]!, tsMs, isStale ? STALE_NAN : count)
}

/** Interns a family's series in the batch (for decoders that don't cache). */
export function internAll(
  b: MetricBatchBuilder,
  labels: readonly Labels[],
  kind: 'histogram' | 'summary',
): number[] {
  return labels.map((l) => b.series(l, kind))
}
