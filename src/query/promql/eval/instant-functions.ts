import { dropMetricName } from './labels.js'
import { histogramQuantile } from './histogram-quantile.js'
import { goLog, goLog10, goLog2, nanFirstAscending } from './float-math.js'
import type { Sample } from './value.js'

const simple: Readonly<Record<string, (v: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: goLog,
  log2: goLog2,
  log10: goLog10,
  sqrt: Math.sqrt,
}

/**
 * Functions over an instant vector at one evaluation time (Prometheus 2.42 `functions.go`).
 * `args` are the scalar arguments after the vector. Returns undefined for a name that is not one of
 * these (the evaluator handles the rest).
 */
export function evalInstantFunction(
  name: string,
  vector: Sample[],
  args: readonly number[],
): Sample[] | undefined {
  const f = simple[name]
  if (f !== undefined) return vector.map((s) => ({ labels: dropMetricName(s.labels), value: f(s.value) }))
  switch (name) {
    case 'round': {
      const toNearestInverse = 1 / (args[0] ?? 1)
      return vector.map((s) => ({
        labels: dropMetricName(s.labels),
        value: Math.floor(s.value * toNearestInverse + 0.5) / toNearestInverse,
      }))
    }
    case 'clamp': {
      const min = args[0]!
      const max = args[1]!
      if (max < min) return []
      return vector.map((s) => ({ labels: dropMetricName(s.labels), value: goMax(min, goMin(max, s.value)) }))
    }
    case 'clamp_min':
      return vector.map((s) => ({ labels: dropMetricName(s.labels), value: goMax(args[0]!, s.value) }))
    case 'clamp_max':
      return vector.map((s) => ({ labels: dropMetricName(s.labels), value: goMin(args[0]!, s.value) }))
    case 'sort':
      // NaN last: the reverse of a descending order that puts NaN first.
      return [...vector].sort((a, b) => -descendingNanFirst(a.value, b.value))
    case 'sort_desc':
      return [...vector].sort((a, b) => -ascendingNanFirst(a.value, b.value))
    case 'histogram_quantile':
      return histogramQuantile(args[0]!, vector)
    default:
      return undefined
  }
}

function ascendingNanFirst(a: number, b: number): number {
  return nanFirstAscending(a, b)
}

function descendingNanFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1
  if (Number.isNaN(b)) return 1
  return a > b ? -1 : a < b ? 1 : 0
}

/** Go's math.Max: NaN wins, +0 beats -0. */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN
  return Math.max(a, b)
}

function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN
  return Math.min(a, b)
}
