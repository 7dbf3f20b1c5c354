import { kahanSumInc, quantileOf } from './float-math.js'

/**
 * The functions over a range vector, for one series and one evaluation time, on the window's
 * samples `ts[from..to)`, `v[from..to)` (staleness markers already left out). Each mirrors
 * Prometheus 2.42's `promql/functions.go`, operation for operation, so the floats are the same.
 * `undefined` means "no output sample".
 */
export interface RangeWindow {
  readonly ts: ArrayLike<number>
  readonly v: ArrayLike<number>
  readonly from: number
  readonly to: number
  /** Evaluation time minus offset (the window's end) and the range, in ms. */
  readonly rangeEndMs: number
  readonly rangeMs: number
}

/** rate, increase and delta: the extrapolated difference (Prometheus' extrapolatedRate). */
export function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, v, from, to } = w
  const n = to - from
  if (n < 2) return undefined
  const first = v[from]!
  let result = v[to - 1]! - first
  if (isCounter) {
    let prev = first
    for (let i = from + 1; i < to; i++) {
      const cur = v[i]!
      if (cur < prev) result += prev
      prev = cur
    }
  }
  const rangeStart = w.rangeEndMs - w.rangeMs
  let durationToStart = (ts[from]! - rangeStart) / 1000
  const durationToEnd = (w.rangeEndMs - ts[to - 1]!) / 1000
  const sampledInterval = (ts[to - 1]! - ts[from]!) / 1000
  const averageDurationBetweenSamples = sampledInterval / (n - 1)
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result)
    if (durationToZero < durationToStart) durationToStart = durationToZero
  }
  const threshold = averageDurationBetweenSamples * 1.1
  let extrapolateTo = sampledInterval
  extrapolateTo += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2
  let factor = extrapolateTo / sampledInterval
  if (isRate) factor /= w.rangeMs / 1000
  return result * factor
}

/** irate and idelta: the last two samples (Prometheus' instantValue). */
export function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { ts, v, from, to } = w
  if (to - from < 2) return undefined
  const last = v[to - 1]!
  const prev = v[to - 2]!
  const result = isRate && last < prev ? last : last - prev
  const interval = ts[to - 1]! - ts[to - 2]!
  if (interval === 0) return undefined
  return isRate ? result / (interval / 1000) : result
}

export function avgOverTime(w: RangeWindow): number {
  let mean = 0
  let c = 0
  let count = 0
  for (let i = w.from; i < w.to; i++) {
    const x = w.v[i]!
    count++
    if (mean === Infinity || mean === -Infinity) {
      if ((x === Infinity || x === -Infinity) && mean > 0 === x > 0) continue
      if (x !== Infinity && x !== -Infinity && !Number.isNaN(x)) continue
    }
    ;[mean, c] = kahanSumInc(x / count - mean / count, mean, c)
  }
  return mean === Infinity || mean === -Infinity ? mean : mean + c
}

export function sumOverTime(w: RangeWindow): number {
  let sum = 0
  let c = 0
  for (let i = w.from; i < w.to; i++) [sum, c] = kahanSumInc(w.v[i]!, sum, c)
  return sum === Infinity || sum === -Infinity ? sum : sum + c
}

export function minOverTime(w: RangeWindow): number {
  let min = w.v[w.from]!
  for (let i = w.from; i < w.to; i++) {
    const x = w.v[i]!
    if (x < min || Number.isNaN(min)) min = x
  }
  return min
}

export function maxOverTime(w: RangeWindow): number {
  let max = w.v[w.from]!
  for (let i = w.from; i < w.to; i++) {
    const x = w.v[i]!
    if (x > max || Number.isNaN(max)) max = x
  }
  return max
}

export function quantileOverTime(q: number, w: RangeWindow): number {
  const values: number[] = []
  for (let i = w.from; i < w.to; i++) values.push(w.v[i]!)
  return quantileOf(q, values)
}

/** The range functions by name; `param` is the scalar argument of quantile_over_time. */
export function evalRangeFunction(name: string, w: RangeWindow, param: number): number | undefined {
  switch (name) {
    case 'rate':
      return extrapolatedRate(w, true, true)
    case 'increase':
      return extrapolatedRate(w, true, false)
    case 'delta':
      return extrapolatedRate(w, false, false)
    case 'irate':
      return instantValue(w, true)
    case 'idelta':
      return instantValue(w, false)
    case 'avg_over_time':
      return avgOverTime(w)
    case 'sum_over_time':
      return sumOverTime(w)
    case 'min_over_time':
      return minOverTime(w)
    case 'max_over_time':
      return maxOverTime(w)
    case 'count_over_time':
      return w.to - w.from
    case 'last_over_time':
      return w.v[w.to - 1]
    case 'quantile_over_time':
      return quantileOverTime(param, w)
    default:
      throw new Error(`not a range function: ${name}`)
  }
}
