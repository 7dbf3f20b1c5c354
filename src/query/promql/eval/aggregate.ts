import type { Labels } from '../../../core/batch/index.js'
import type { AggregateOp } from '../ast.js'
import { quantileOf } from './float-math.js'
import { keepLabels, labelsKeyOf, withoutLabels } from './labels.js'
import type { Sample } from './value.js'

interface Group {
  readonly labels: Labels
  value: number
  mean: number
  count: number
  heap: Sample[] | undefined
  values: number[] | undefined
}

/**
 * One aggregation at one evaluation time, as Prometheus 2.42's `aggregation` computes it: groups in
 * order of first appearance, `sum` in input order without compensation, `avg` as an incremental
 * mean, `topk`/`bottomk` through the same binary heap operations (so ties pick the same series), and
 * `quantile` by linear interpolation. `param` is k or φ.
 */
export function aggregate(
  op: AggregateOp,
  grouping: readonly string[],
  without: boolean,
  param: number,
  input: readonly Sample[],
): Sample[] {
  let k = 0
  if (op === 'topk' || op === 'bottomk') {
    if (!Number.isFinite(param) || Math.abs(param) > 9.2e18) {
      throw new AggregationError(`Scalar value ${formatParam(param)} overflows int64`)
    }
    k = Math.trunc(param)
    if (k < 1) return []
  }
  const grouper = grouperFor(grouping, without)
  const groups = new Map<string, Group>()
  const ordered: Group[] = []
  for (const s of input) {
    const { key, id } = grouper(s.labels)
    const g = groups.get(id)
    if (g === undefined) {
      const fresh: Group = {
        labels: key,
        value: s.value,
        mean: s.value,
        count: 1,
        heap: undefined,
        values: undefined,
      }
      if (op === 'topk' || op === 'bottomk') fresh.heap = [s]
      if (op === 'quantile') fresh.values = [s.value]
      groups.set(id, fresh)
      ordered.push(fresh)
      continue
    }
    switch (op) {
      case 'sum':
        g.value += s.value
        break
      case 'avg': {
        g.count++
        const m = g.mean
        const v = s.value
        if (m === Infinity || m === -Infinity) {
          if ((v === Infinity || v === -Infinity) && m > 0 === v > 0) break
          if (v !== Infinity && v !== -Infinity && !Number.isNaN(v)) break
        }
        g.mean += v / g.count - m / g.count
        break
      }
      case 'max':
        if (g.value < s.value || Number.isNaN(g.value)) g.value = s.value
        break
      case 'min':
        if (g.value > s.value || Number.isNaN(g.value)) g.value = s.value
        break
      case 'count':
        g.count++
        break
      case 'topk':
      case 'bottomk':
        offer(g.heap!, s, k, op === 'topk' ? topLess : bottomLess)
        break
      case 'quantile':
        g.values!.push(s.value)
        break
    }
  }
  const out: Sample[] = []
  for (const g of ordered) {
    switch (op) {
      case 'avg':
        out.push({ labels: g.labels, value: g.mean })
        break
      case 'count':
        out.push({ labels: g.labels, value: g.count })
        break
      case 'topk':
      case 'bottomk': {
        const less = op === 'topk' ? topLess : bottomLess
        const h = g.heap!
        if (h.length > 1) h.sort((a, b) => (less(b, a) ? -1 : less(a, b) ? 1 : 0))
        for (const s of h) out.push({ labels: s.labels, value: s.value })
        break
      }
      case 'quantile':
        out.push({ labels: g.labels, value: quantileOf(param, g.values!) })
        break
      default:
        out.push({ labels: g.labels, value: g.value })
    }
  }
  return out
}

type Grouper = (labels: Labels) => { key: Labels; id: string }
const groupers = new Map<string, Grouper>()

/** The group of a label set, remembered per label array (series meet the same node at every step). */
function grouperFor(grouping: readonly string[], without: boolean): Grouper {
  const name = `${without ? '-' : '+'}${grouping.join('\u0000')}`
  let g = groupers.get(name)
  if (g === undefined) {
    const names = new Set(grouping)
    if (without) names.add('__name__')
    const memo = new WeakMap<Labels, { key: Labels; id: string }>()
    g = (labels) => {
      let r = memo.get(labels)
      if (r === undefined) {
        const key = without ? withoutLabels(labels, names) : keepLabels(labels, names)
        r = { key, id: labelsKeyOf(key) }
        memo.set(labels, r)
      }
      return r
    }
    if (groupers.size > 1000) groupers.clear()
    groupers.set(name, g)
  }
  return g
}

/** An aggregation Prometheus refuses at run time (an `execution` error, HTTP 422). */
export class AggregationError extends Error {}

type Less = (a: Sample, b: Sample) => boolean
const topLess: Less = (a, b) => Number.isNaN(a.value) || a.value < b.value
const bottomLess: Less = (a, b) => Number.isNaN(a.value) || a.value > b.value

/** The heap steps of Prometheus' topk/bottomk (Go's container/heap Push and Pop). */
function offer(h: Sample[], s: Sample, k: number, less: Less): void {
  // topk takes s when the root (the smallest kept) is below it; bottomk when it is above it.
  const root = h[0]!.value
  const takes = less === topLess ? root < s.value : root > s.value
  if (!(h.length < k || takes || Number.isNaN(root))) return
  if (h.length === k) {
    if (k === 1) {
      h[0] = s
      return
    }
    // Pop: swap the root to the end, sift down over the rest, drop the end.
    swap(h, 0, h.length - 1)
    down(h, 0, h.length - 1, less)
    h.pop()
  }
  h.push(s)
  up(h, h.length - 1, less)
}

function up(h: Sample[], j: number, less: Less): void {
  for (;;) {
    const i = Math.floor((j - 1) / 2)
    if (i === j || j <= 0 || !less(h[j]!, h[i]!)) break
    swap(h, i, j)
    j = i
  }
}

function down(h: Sample[], i: number, n: number, less: Less): void {
  for (;;) {
    const j1 = 2 * i + 1
    if (j1 >= n) break
    let j = j1
    const j2 = j1 + 1
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2
    if (!less(h[j]!, h[i]!)) break
    swap(h, i, j)
    i = j
  }
}

function swap(h: Sample[], i: number, j: number): void {
  const t = h[i]!
  h[i] = h[j]!
  h[j] = t
}

function formatParam(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v)
}
