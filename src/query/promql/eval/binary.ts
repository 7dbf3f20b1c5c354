import type { Labels } from '../../../core/batch/index.js'
import type { BinaryOp, VectorMatching } from '../ast.js'
import { goMod, goPow } from './float-math.js'
import { dropMetricName, getLabel, keepLabels, labelsKeyOf, setLabel, withoutLabels } from './labels.js'
import type { Sample } from './value.js'

/** A vector operation Prometheus refuses at run time (an `execution` error, HTTP 422). */
export class BinaryMatchError extends Error {}

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^'])

export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<='
}

/** Arithmetic value, or for comparisons whether the pair is kept (Prometheus' vectorElemBinop). */
function elem(op: BinaryOp, l: number, r: number): { value: number; keep: boolean } {
  switch (op) {
    case '+':
      return { value: l + r, keep: true }
    case '-':
      return { value: l - r, keep: true }
    case '*':
      return { value: l * r, keep: true }
    case '/':
      return { value: l / r, keep: true }
    case '%':
      return { value: goMod(l, r), keep: true }
    case '^':
      return { value: goPow(l, r), keep: true }
    case '==':
      return { value: l, keep: l === r }
    case '!=':
      return { value: l, keep: l !== r }
    case '>':
      return { value: l, keep: l > r }
    case '<':
      return { value: l, keep: l < r }
    case '>=':
      return { value: l, keep: l >= r }
    case '<=':
      return { value: l, keep: l <= r }
    default:
      throw new Error(`operator ${op} is not an element operator`)
  }
}

/** scalar op scalar (comparisons need `bool` and give 0 or 1). */
export function scalarBinary(op: BinaryOp, l: number, r: number): number {
  const e = elem(op, l, r)
  return isComparison(op) ? (e.keep ? 1 : 0) : e.value
}

/** vector op scalar, or scalar op vector when `swap` (Prometheus' VectorscalarBinop). */
export function vectorScalarBinary(
  op: BinaryOp,
  vector: readonly Sample[],
  scalar: number,
  swap: boolean,
  returnBool: boolean,
): Sample[] {
  const out: Sample[] = []
  const comparison = isComparison(op)
  const dropName = ARITHMETIC.has(op) || returnBool
  for (const s of vector) {
    const l = swap ? scalar : s.value
    const r = swap ? s.value : scalar
    let { value, keep } = elem(op, l, r)
    if (comparison && swap) value = r
    if (returnBool) {
      value = keep ? 1 : 0
      keep = true
    }
    if (keep) out.push({ labels: dropName ? dropMetricName(s.labels) : s.labels, value })
  }
  return out
}

const signatures = new WeakMap<VectorMatching, { names: Set<string>; memo: WeakMap<Labels, string> }>()

/** The match signature of a series (Prometheus' signatureFunc), remembered per label array. */
export function signatureOf(labels: Labels, m: VectorMatching): string {
  let s = signatures.get(m)
  if (s === undefined) {
    s = { names: new Set(m.on ? m.matchingLabels : ['__name__', ...m.matchingLabels]), memo: new WeakMap() }
    signatures.set(m, s)
  }
  let sig = s.memo.get(labels)
  if (sig === undefined) {
    sig = (m.on ? keepLabels(labels, s.names) : withoutLabels(labels, s.names)).join('\u0000')
    s.memo.set(labels, sig)
  }
  return sig
}

/** and / or / unless. */
export function setBinary(
  op: 'and' | 'or' | 'unless',
  lhs: Sample[],
  rhs: Sample[],
  m: VectorMatching,
): Sample[] {
  switch (op) {
    case 'and': {
      if (lhs.length === 0 || rhs.length === 0) return []
      const right = new Set(rhs.map((s) => signatureOf(s.labels, m)))
      return lhs.filter((s) => right.has(signatureOf(s.labels, m)))
    }
    case 'or': {
      if (lhs.length === 0) return [...rhs]
      if (rhs.length === 0) return [...lhs]
      const left = new Set(lhs.map((s) => signatureOf(s.labels, m)))
      return [...lhs, ...rhs.filter((s) => !left.has(signatureOf(s.labels, m)))]
    }
    case 'unless': {
      if (lhs.length === 0 || rhs.length === 0) return [...lhs]
      const right = new Set(rhs.map((s) => signatureOf(s.labels, m)))
      return lhs.filter((s) => !right.has(signatureOf(s.labels, m)))
    }
  }
}

/** vector op vector with one-to-one, many-to-one or one-to-many matching (Prometheus' VectorBinop). */
export function vectorBinary(
  op: BinaryOp,
  lhsIn: Sample[],
  rhsIn: Sample[],
  m: VectorMatching,
  returnBool: boolean,
): Sample[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return []
  const swapped = m.card === 'one-to-many'
  const lhs = swapped ? rhsIn : lhsIn
  const rhs = swapped ? lhsIn : rhsIn
  const right = new Map<string, Sample>()
  for (const r of rhs) {
    const sig = signatureOf(r.labels, m)
    const dup = right.get(sig)
    if (dup !== undefined) {
      const side = swapped ? 'left' : 'right'
      throw new BinaryMatchError(
        `found duplicate series for the match group ${formatMatchGroup(r.labels, m)} on the ${side} hand-side of the operation: [${formatLabels(r.labels)}, ${formatLabels(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      )
    }
    right.set(sig, r)
  }
  const matched = new Map<string, Set<string> | null>()
  const out: Sample[] = []
  for (const l of lhs) {
    const sig = signatureOf(l.labels, m)
    const r = right.get(sig)
    if (r === undefined) continue
    const vl = swapped ? r.value : l.value
    const vr = swapped ? l.value : r.value
    const e = elem(op, vl, vr)
    if (!returnBool && !e.keep) continue
    const value = returnBool ? (e.keep ? 1 : 0) : e.value
    let labels = resultLabels(l.labels, r.labels, op, m)
    if (returnBool) labels = dropMetricName(labels)
    const seen = matched.get(sig)
    if (m.card === 'one-to-one') {
      if (seen !== undefined) {
        throw new BinaryMatchError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        )
      }
      matched.set(sig, null)
    } else {
      const key = labelsKeyOf(labels)
      if (seen === undefined || seen === null) matched.set(sig, new Set([key]))
      else if (seen.has(key)) {
        throw new BinaryMatchError('multiple matches for labels: grouping labels must ensure unique matches')
      } else seen.add(key)
    }
    out.push({ labels, value })
  }
  return out
}

function resultLabels(lhs: Labels, rhs: Labels, op: BinaryOp, m: VectorMatching): Labels {
  let out = ARITHMETIC.has(op) ? dropMetricName(lhs) : lhs
  if (m.card === 'one-to-one') {
    out = m.on ? keepLabels(out, new Set(m.matchingLabels)) : withoutLabels(out, new Set(m.matchingLabels))
  }
  for (const name of m.include) out = setLabel(out, name, getLabel(rhs, name))
  return out
}

function formatLabels(labels: Labels): string {
  const parts: string[] = []
  for (let i = 0; i < labels.length; i += 2) parts.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`)
  return `{${parts.join(', ')}}`
}

function formatMatchGroup(labels: Labels, m: VectorMatching): string {
  const names = new Set(m.matchingLabels)
  return formatLabels(m.on ? keepLabels(labels, names) : withoutLabels(labels, names))
}
