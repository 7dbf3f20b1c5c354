import { METRIC_NAME_LABEL } from '../../../core/batch/index.js'
import type { Labels } from '../../../core/batch/index.js'

/** Label-set operations of the evaluator, on sorted flat arrays `[name, value, …]`. */

// Label arrays of stored series live as long as a query and are met again at every step: their
// key and name-less form are remembered per array instead of being rebuilt per step.
const keys = new WeakMap<Labels, string>()
const nameless = new WeakMap<Labels, Labels>()

export function labelsKeyOf(labels: Labels): string {
  let k = keys.get(labels)
  if (k === undefined) {
    k = labels.join('\u0000')
    keys.set(labels, k)
  }
  return k
}

export function getLabel(labels: Labels, name: string): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return labels[i + 1]!
  return ''
}

export function dropMetricName(labels: Labels): Labels {
  let out = nameless.get(labels)
  if (out === undefined) {
    out = labels
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i] === METRIC_NAME_LABEL) {
        out = [...labels.slice(0, i), ...labels.slice(i + 2)]
        break
      }
    }
    nameless.set(labels, out)
  }
  return out
}

/** Only the labels named in `names` (Prometheus' `Keep`). */
export function keepLabels(labels: Labels, names: ReadonlySet<string>): Labels {
  const out: string[] = []
  for (let i = 0; i < labels.length; i += 2) if (names.has(labels[i]!)) out.push(labels[i]!, labels[i + 1]!)
  return out
}

/** All labels but those named in `names` (Prometheus' `Del`). */
export function withoutLabels(labels: Labels, names: ReadonlySet<string>): Labels {
  const out: string[] = []
  for (let i = 0; i < labels.length; i += 2) if (!names.has(labels[i]!)) out.push(labels[i]!, labels[i + 1]!)
  return out
}

/** Sets (or, for "", deletes) one label, keeping the order. */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const out: string[] = []
  let done = false
  for (let i = 0; i < labels.length; i += 2) {
    const n = labels[i]!
    if (!done && n >= name) {
      done = true
      if (value !== '') out.push(name, value)
      if (n === name) continue
    }
    out.push(n, labels[i + 1]!)
  }
  if (!done && value !== '') out.push(name, value)
  return out
}

/** Prometheus' `labels.Compare`: label by label, name then value, then the shorter first. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x !== y) return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** Labels as the JSON object of the API's `metric` field. */
export function labelsObject(labels: Labels): Record<string, string> {
  const o: Record<string, string> = {}
  for (let i = 0; i < labels.length; i += 2) o[labels[i]!] = labels[i + 1]!
  return o
}
