import type { AlertLabels } from './alert.js'

/** Label names as Prometheus and Alertmanager accept them. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * The canonical form of a label set: an object whose own properties are in name order, without
 * empty values. Built with `Object.fromEntries`, so even a label named `__proto__` is an own
 * property. Accepts an object or `[name, value]` pairs (a later pair wins over an earlier one).
 */
export function canonicalLabels(labels: AlertLabels | Iterable<readonly [string, string]>): AlertLabels {
  const pairs = isIterable(labels) ? [...labels] : Object.entries(labels)
  const byName = new Map<string, string>()
  for (const [name, value] of pairs) byName.set(name, value)
  const names = [...byName.keys()].filter((n) => byName.get(n) !== '').sort()
  return Object.fromEntries(names.map((n) => [n, byName.get(n)!]))
}

/** The labels of a flat `[name, value, …]` array (the series form of core/batch). */
export function labelsFromFlat(flat: readonly string[]): AlertLabels {
  const pairs: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!])
  return canonicalLabels(pairs)
}

/** The value of label `name`, or '' when absent (Prometheus: a missing label is the empty value). */
export function labelOf(labels: AlertLabels, name: string): string {
  return Object.hasOwn(labels, name) ? labels[name]! : ''
}

/**
 * The label set as Alertmanager prints it (Go's `model.LabelSet.String()`): `{a="1", b="2"}`, names
 * sorted, values quoted. Used in group keys.
 */
export function labelSetString(labels: AlertLabels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((n) => `${n}=${JSON.stringify(labels[n])}`)
  return `{${parts.join(', ')}}`
}

function isIterable(x: unknown): x is Iterable<readonly [string, string]> {
  return typeof x === 'object' && x !== null && Symbol.iterator in x
}
