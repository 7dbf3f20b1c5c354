import type { Labels } from '../../../core/batch/index.js'
import { parseGoFloat } from './float-math.js'
import { labelsKeyOf, withoutLabels } from './labels.js'
import type { Sample } from './value.js'

const BUCKET_LABEL = 'le'
const DROPPED = new Set(['__name__', BUCKET_LABEL])
const WITHOUT_LE = new Set([BUCKET_LABEL])

/**
 * histogram_quantile on classic buckets (Prometheus 2.42 `funcHistogramQuantile` and
 * `bucketQuantile`): samples are grouped by their labels without `le` (the metric name stays in the
 * grouping, so `a_bucket` and `b_bucket` are separate); each group is one output sample without `le`
 * and `__name__`. A bucket whose `le` is missing or not a float is skipped.
 */
export function histogramQuantile(q: number, input: readonly Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: [number, number][] }>()
  for (const s of input) {
    let le: string | undefined
    for (let i = 0; i < s.labels.length; i += 2) if (s.labels[i] === BUCKET_LABEL) le = s.labels[i + 1]
    const upper = le === undefined ? undefined : parseGoFloat(le)
    if (upper === undefined) continue
    const key = labelsKeyOf(withoutLabels(s.labels, WITHOUT_LE))
    let g = groups.get(key)
    if (g === undefined) {
      g = { labels: withoutLabels(s.labels, DROPPED), buckets: [] }
      groups.set(key, g)
    }
    g.buckets.push([upper, s.value])
  }
  const out: Sample[] = []
  for (const g of groups.values()) out.push({ labels: g.labels, value: bucketQuantile(q, g.buckets) })
  return out
}

/** `buckets`: [upper bound, cumulative count]; sorted and coalesced in place. */
export function bucketQuantile(q: number, buckets: [number, number][]): number {
  if (Number.isNaN(q)) return NaN
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  buckets.sort((a, b) => a[0] - b[0])
  if (buckets[buckets.length - 1]![0] !== Infinity) return NaN
  const b = coalesce(buckets)
  ensureMonotonic(b)
  if (b.length < 2) return NaN
  const observations = b[b.length - 1]![1]
  if (observations === 0) return NaN
  let rank = q * observations
  // The first bucket (of all but the last) whose count reaches the rank.
  let i = 0
  while (i < b.length - 1 && !(b[i]![1] >= rank)) i++
  if (i === b.length - 1) return b[b.length - 2]![0]
  if (i === 0 && b[0]![0] <= 0) return b[0]![0]
  let start = 0
  const end = b[i]![0]
  let count = b[i]![1]
  if (i > 0) {
    start = b[i - 1]![0]
    count -= b[i - 1]![1]
    rank -= b[i - 1]![1]
  }
  return start + (end - start) * (rank / count)
}

function coalesce(buckets: [number, number][]): [number, number][] {
  const out: [number, number][] = []
  let last: [number, number] = [buckets[0]![0], buckets[0]![1]]
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i]!
    if (b[0] === last[0]) last[1] += b[1]
    else {
      out.push(last)
      last = [b[0], b[1]]
    }
  }
  out.push(last)
  return out
}

function ensureMonotonic(buckets: [number, number][]): void {
  let max = buckets[0]![1]
  for (let i = 1; i < buckets.length; i++) {
    const c = buckets[i]![1]
    if (c > max) max = c
    else if (c < max) buckets[i]![1] = max
  }
}
