import type { Labels } from '../../../core/batch/index.js'
import type { Aggregate, Binary, Call, Expr, MatrixSelector, ValueType, VectorSelector } from '../ast.js'
import { aggregate } from './aggregate.js'
import { isComparison, scalarBinary, setBinary, vectorBinary, vectorScalarBinary } from './binary.js'
import { evalInstantFunction } from './instant-functions.js'
import { compareLabels, dropMetricName, labelsKeyOf } from './labels.js'
import { evalRangeFunction } from './range-functions.js'
import type { RangeWindow } from './range-functions.js'
import type { Sample, SelectedSeries, SeriesSource } from './value.js'

/** How much of a range query's span is evaluated on one load of samples. */
const RANGE_PART_MS = 3_600_000

/** Prometheus' default `--query.lookback-delta`. */
export const LOOKBACK_MS = 5 * 60_000

export interface EvalLimits {
  /** Samples held in memory at once: an instant query's, or one hour of a range query's, all selectors together. */
  readonly maxSamples: number
  /** Series selected at once (as for maxSamples), over all selectors. */
  readonly maxSeries: number
  /** Points in the answer (a range query's series × steps). */
  readonly maxResultPoints: number
  /** Called between steps; throws to abort (the query timeout). */
  readonly checkDeadline: () => void
  /** Span of a range query evaluated per load of samples (default 1 h). */
  readonly rangePartMs?: number
}

/** The query could not be answered: Prometheus' `execution` errors (HTTP 422). */
export class PromQLExecutionError extends Error {}

/** A limit of `EvalLimits` was hit (HTTP 422, like Prometheus' "too many samples"). */
export class QueryLimitError extends Error {}

export interface ResultSeries {
  readonly labels: Labels
  readonly ts: number[]
  readonly values: number[]
}

export type QueryResult =
  | { readonly resultType: 'scalar'; readonly ts: number; readonly value: number }
  | { readonly resultType: 'string'; readonly ts: number; readonly value: string }
  | { readonly resultType: 'vector'; readonly ts: number; readonly samples: readonly Sample[] }
  | { readonly resultType: 'matrix'; readonly series: readonly ResultSeries[] }

type StepValue =
  | { readonly kind: 'scalar'; readonly v: number }
  | { readonly kind: 'string'; readonly s: string }
  | { readonly kind: 'vector'; readonly samples: Sample[] }

interface Loaded {
  /** Series of a vector selector (staleness markers kept) or a matrix selector (markers removed). */
  readonly series: SelectedSeries[]
}

/**
 * Evaluates a parsed PromQL expression the way Prometheus 2.42's engine does, one evaluation time
 * (step) after another: every selector's series are read once for the whole query range, then each
 * step evaluates the tree on them. An instant query is a range query with one step.
 *
 * Semantics kept from Prometheus: an instant vector selector takes each series' latest sample in
 * `[t - 5m, t]` unless it is a staleness marker; a range selector takes the samples in
 * `[t - range, t]` without markers; `offset` shifts both; duplicate label sets after a function drops
 * the metric name are an error; a range query's series are sorted by labels.
 */
export class Evaluator {
  readonly #source: SeriesSource
  readonly #limits: EvalLimits
  readonly #loaded = new Map<VectorSelector | MatrixSelector, Loaded>()
  /** For nodes whose duplicate check spans all steps: output label key → input series key. */
  readonly #origins = new Map<Expr, Map<string, string>>()
  #samplesLoaded = 0
  #seriesLoaded = 0

  constructor(source: SeriesSource, limits: EvalLimits) {
    this.#source = source
    this.#limits = limits
  }

  async instant(expr: Expr, type: ValueType, timeMs: number): Promise<QueryResult> {
    if (type === 'matrix') {
      // Only a (parenthesised) range selector has this type at the top.
      const sel = unwrap(expr) as MatrixSelector
      await this.#load(expr, timeMs, timeMs)
      return { resultType: 'matrix', series: this.#rawMatrix(sel, timeMs) }
    }
    await this.#load(expr, timeMs, timeMs)
    const v = this.#eval(expr, timeMs)
    switch (v.kind) {
      case 'scalar':
        return { resultType: 'scalar', ts: timeMs, value: v.v }
      case 'string':
        return { resultType: 'string', ts: timeMs, value: v.s }
      case 'vector':
        return { resultType: 'vector', ts: timeMs, samples: v.samples }
    }
  }

  /**
   * A range query: `type` must be scalar or vector (the HTTP layer refuses the others). The steps
   * are evaluated an hour of them at a time, each hour on the samples it needs (its selectors'
   * lookback or range before it included), so memory holds about an hour of samples, not the whole
   * range; the limits on samples and series apply to one such part.
   */
  async range(expr: Expr, startMs: number, endMs: number, stepMs: number): Promise<QueryResult> {
    const out = new Map<string, { labels: Labels; ts: number[]; values: number[] }>()
    const stepsPerPart = Math.max(1, Math.floor((this.#limits.rangePartMs ?? RANGE_PART_MS) / stepMs))
    let points = 0
    for (let partStart = startMs; partStart <= endMs; partStart += stepsPerPart * stepMs) {
      const partEnd = Math.min(endMs, partStart + (stepsPerPart - 1) * stepMs)
      await this.#load(expr, partStart, partEnd)
      for (let t = partStart; t <= partEnd; t += stepMs) {
        this.#limits.checkDeadline()
        const v = this.#eval(expr, t)
        const samples: readonly Sample[] =
          v.kind === 'vector' ? v.samples : v.kind === 'scalar' ? [{ labels: [], value: v.v }] : []
        for (const s of samples) {
          const key = labelsKeyOf(s.labels)
          let series = out.get(key)
          if (series === undefined) {
            series = { labels: s.labels, ts: [], values: [] }
            out.set(key, series)
          }
          series.ts.push(t)
          series.values.push(s.value)
        }
        points += samples.length
        if (points > this.#limits.maxResultPoints) {
          throw new QueryLimitError(
            `the answer would have more than ${this.#limits.maxResultPoints} points; narrow the selectors or raise the step`,
          )
        }
      }
    }
    const series = [...out.values()].sort((a, b) => compareLabels(a.labels, b.labels))
    return { resultType: 'matrix', series }
  }

  // ---------------------------------------------------------------------------------------------
  // Loading: each selector's series for the whole query range, once.
  // ---------------------------------------------------------------------------------------------

  async #load(expr: Expr, startMs: number, endMs: number): Promise<void> {
    const selectors: (VectorSelector | MatrixSelector)[] = []
    collectSelectors(expr, selectors)
    this.#loaded.clear()
    this.#samplesLoaded = 0
    this.#seriesLoaded = 0
    for (const sel of selectors) {
      this.#limits.checkDeadline()
      const vs = sel.kind === 'matrix' ? sel.vector : sel
      const back = sel.kind === 'matrix' ? sel.rangeMs : LOOKBACK_MS
      const series = await this.#source.select(vs.matchers, startMs - vs.offsetMs - back, endMs - vs.offsetMs)
      this.#seriesLoaded += series.length
      if (this.#seriesLoaded > this.#limits.maxSeries) {
        throw new QueryLimitError(
          `the query selects more than ${this.#limits.maxSeries} series; add label matchers to narrow it`,
        )
      }
      for (const s of series) this.#samplesLoaded += s.ts.length
      if (this.#samplesLoaded > this.#limits.maxSamples) {
        throw new QueryLimitError(
          `the query would read more than ${this.#limits.maxSamples} samples; narrow the time range or the selectors`,
        )
      }
      series.sort((a, b) => compareLabels(a.labels, b.labels))
      this.#loaded.set(sel, { series: sel.kind === 'matrix' ? series.map(withoutStale) : series })
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation at one time.
  // ---------------------------------------------------------------------------------------------

  #eval(e: Expr, t: number): StepValue {
    switch (e.kind) {
      case 'number':
        return { kind: 'scalar', v: e.value }
      case 'string':
        return { kind: 'string', s: e.value }
      case 'paren':
        return this.#eval(e.expr, t)
      case 'vector':
        return { kind: 'vector', samples: this.#vectorAt(e, t) }
      case 'matrix':
        throw new Error('a range vector cannot be evaluated at one step')
      case 'unary':
        return this.#unary(e, t)
      case 'call':
        return this.#call(e, t)
      case 'aggregate':
        return this.#aggregate(e, t)
      case 'binary':
        return this.#binary(e, t)
    }
  }

  #vectorAt(sel: VectorSelector, t: number): Sample[] {
    const ref = t - sel.offsetMs
    const out: Sample[] = []
    for (const s of this.#loaded.get(sel)!.series) {
      const i = upperBound(s.ts, ref) - 1
      if (i < 0 || s.ts[i]! < ref - LOOKBACK_MS) continue
      if (s.stale !== undefined && s.stale[i] === 1) continue
      out.push({ labels: s.labels, value: s.values[i]!, ts: s.ts[i]! })
    }
    return out
  }

  #unary(e: Extract<Expr, { kind: 'unary' }>, t: number): StepValue {
    const v = this.#eval(e.expr, t)
    if (e.op === '+') return v
    if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v }
    if (v.kind !== 'vector') throw new Error('unary minus on a string')
    const samples = v.samples.map((s) => ({ labels: dropMetricName(s.labels), value: -s.value }))
    this.#checkOrigins(e, v.samples, samples)
    return { kind: 'vector', samples }
  }

  #call(e: Call, t: number): StepValue {
    const matrixArg = e.args.findIndex((a) => unwrap(a).kind === 'matrix')
    if (matrixArg >= 0) return this.#rangeCall(e, matrixArg, t)
    switch (e.func) {
      case 'time':
        return { kind: 'scalar', v: t / 1000 }
      case 'vector':
        return { kind: 'vector', samples: [{ labels: [], value: this.#scalar(e.args[0]!, t) }] }
      case 'scalar': {
        const v = this.#vector(e.args[0]!, t)
        return { kind: 'scalar', v: v.length === 1 ? v[0]!.value : NaN }
      }
      case 'timestamp': {
        const arg = unwrap(e.args[0]!)
        // Straight on a selector it gives the samples' own times; on anything else, the step time.
        const v = arg.kind === 'vector' ? this.#vectorAt(arg, t) : this.#vector(arg, t)
        const samples = v.map((s) => ({ labels: dropMetricName(s.labels), value: (s.ts ?? t) / 1000 }))
        return { kind: 'vector', samples: this.#checkStep(samples) }
      }
      case 'histogram_quantile': {
        const q = this.#scalar(e.args[0]!, t)
        const out = evalInstantFunction(e.func, this.#vector(e.args[1]!, t), [q])!
        return { kind: 'vector', samples: this.#checkStep(out) }
      }
    }
    const vector = this.#vector(e.args[0]!, t)
    const scalars = e.args.slice(1).map((a) => this.#scalar(a, t))
    const out = evalInstantFunction(e.func, vector, scalars)
    if (out === undefined) throw new Error(`function ${e.func} is not implemented`)
    return {
      kind: 'vector',
      samples: e.func === 'sort' || e.func === 'sort_desc' ? out : this.#checkStep(out),
    }
  }

  /** A function over a range vector: one output sample per series that has samples in the window. */
  #rangeCall(e: Call, matrixArg: number, t: number): StepValue {
    const sel = unwrap(e.args[matrixArg]!) as MatrixSelector
    const param = matrixArg > 0 ? this.#scalar(e.args[0]!, t) : NaN
    const end = t - sel.vector.offsetMs
    const start = end - sel.rangeMs
    const keepName = e.func === 'last_over_time'
    const out: Sample[] = []
    const inputs: Sample[] = []
    for (const s of this.#loaded.get(sel)!.series) {
      const from = lowerBound(s.ts, start)
      const to = upperBound(s.ts, end)
      if (to <= from) continue
      const w: RangeWindow = { ts: s.ts, v: s.values, from, to, rangeEndMs: end, rangeMs: sel.rangeMs }
      const value = evalRangeFunction(e.func, w, param)
      if (value === undefined) continue
      out.push({ labels: keepName ? s.labels : dropMetricName(s.labels), value })
      inputs.push({ labels: s.labels, value })
    }
    if (!keepName) this.#checkOrigins(e, inputs, out)
    return { kind: 'vector', samples: out }
  }

  #aggregate(e: Aggregate, t: number): StepValue {
    const param = e.param === undefined ? NaN : this.#scalar(e.param, t)
    const input = this.#vector(e.expr, t)
    return { kind: 'vector', samples: aggregate(e.op, e.grouping, e.without, param, input) }
  }

  #binary(e: Binary, t: number): StepValue {
    const l = this.#eval(e.lhs, t)
    const r = this.#eval(e.rhs, t)
    if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', v: scalarBinary(e.op, l.v, r.v) }
    if (l.kind === 'vector' && r.kind === 'vector') {
      const m = e.matching!
      if (e.op === 'and' || e.op === 'or' || e.op === 'unless') {
        return { kind: 'vector', samples: setBinary(e.op, l.samples, r.samples, m) }
      }
      try {
        return { kind: 'vector', samples: vectorBinary(e.op, l.samples, r.samples, m, e.returnBool) }
      } catch (err) {
        throw new PromQLExecutionError((err as Error).message)
      }
    }
    const swap = l.kind === 'scalar'
    const vector = (swap ? r : l) as Extract<StepValue, { kind: 'vector' }>
    const scalar = (swap ? l : r) as Extract<StepValue, { kind: 'scalar' }>
    const out = vectorScalarBinary(e.op, vector.samples, scalar.v, swap, e.returnBool)
    const dropsName = e.returnBool || !isComparison(e.op)
    return { kind: 'vector', samples: dropsName ? this.#checkStep(out) : out }
  }

  #vector(e: Expr, t: number): Sample[] {
    const v = this.#eval(e, t)
    if (v.kind !== 'vector') throw new Error(`expected an instant vector, got ${v.kind}`)
    return v.samples
  }

  #scalar(e: Expr, t: number): number {
    const v = this.#eval(e, t)
    if (v.kind !== 'scalar') throw new Error(`expected a scalar, got ${v.kind}`)
    return v.v
  }

  /** Prometheus checks each step's vector for two samples with one label set. */
  #checkStep(samples: Sample[]): Sample[] {
    if (samples.length < 2) return samples
    const seen = new Set<string>()
    for (const s of samples) {
      const k = labelsKeyOf(s.labels)
      if (seen.has(k)) throw new PromQLExecutionError('vector cannot contain metrics with the same labelset')
      seen.add(k)
    }
    return samples
  }

  /**
   * Where Prometheus builds a whole matrix before checking it (range-vector functions, unary minus),
   * two input series that end with one label set are an error even at different steps.
   */
  #checkOrigins(node: Expr, inputs: readonly Sample[], outputs: readonly Sample[]): void {
    let origins = this.#origins.get(node)
    if (origins === undefined) {
      origins = new Map()
      this.#origins.set(node, origins)
    }
    for (let i = 0; i < outputs.length; i++) {
      const out = labelsKeyOf(outputs[i]!.labels)
      const from = labelsKeyOf(inputs[i]!.labels)
      const known = origins.get(out)
      if (known === undefined) origins.set(out, from)
      else if (known !== from) {
        throw new PromQLExecutionError('vector cannot contain metrics with the same labelset')
      }
    }
  }

  /** An instant query of a range selector: the raw samples in the window, with their own times. */
  #rawMatrix(sel: MatrixSelector, t: number): ResultSeries[] {
    const end = t - sel.vector.offsetMs
    const start = end - sel.rangeMs
    const out: ResultSeries[] = []
    for (const s of this.#loaded.get(sel)!.series) {
      const from = lowerBound(s.ts, start)
      const to = upperBound(s.ts, end)
      if (to <= from) continue
      out.push({
        labels: s.labels,
        ts: [...s.ts.subarray(from, to)],
        values: [...s.values.subarray(from, to)],
      })
    }
    return out
  }
}

function unwrap(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr
  return e
}

function collectSelectors(e: Expr, out: (VectorSelector | MatrixSelector)[]): void {
  switch (e.kind) {
    case 'vector':
    case 'matrix':
      out.push(e)
      return
    case 'call':
      for (const a of e.args) collectSelectors(a, out)
      return
    case 'aggregate':
      if (e.param !== undefined) collectSelectors(e.param, out)
      collectSelectors(e.expr, out)
      return
    case 'binary':
      collectSelectors(e.lhs, out)
      collectSelectors(e.rhs, out)
      return
    case 'unary':
    case 'paren':
      collectSelectors(e.expr, out)
      return
    default:
      return
  }
}

function withoutStale(s: SelectedSeries): SelectedSeries {
  const stale = s.stale
  if (stale === undefined) return s
  let n = 0
  for (let i = 0; i < stale.length; i++) if (stale[i] === 0) n++
  const ts = new Float64Array(n)
  const values = new Float64Array(n)
  for (let i = 0, j = 0; i < stale.length; i++) {
    if (stale[i] === 1) continue
    ts[j] = s.ts[i]!
    values[j++] = s.values[i]!
  }
  return { labels: s.labels, ts, values, stale: undefined }
}

/** First index with `a[i] >= x`. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index with `a[i] > x`. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
