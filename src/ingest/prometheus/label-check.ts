import type { Buffer } from 'node:buffer'
import type { RemoteWriteLimits } from './limits.js'
import type { RejectReason } from './reject-reason.js'
import { decodeAscii, decodeUtf8 } from './utf8.js'

/** Why a series' labels are not acceptable, with a sentence for humans. */
export interface LabelProblem {
  readonly reason: RejectReason
  readonly detail: string
}

/**
 * Validates the label whose name is `buf[ns, ne)` and value `buf[vs, ve)`, and appends it to
 * `labels` unless its value is empty (an empty value means "no such label" in Prometheus). Checks
 * run on bytes before any string is made.
 */
export function appendLabel(
  labels: string[],
  buf: Buffer,
  limits: RemoteWriteLimits,
  ns: number,
  ne: number,
  vs: number,
  ve: number,
): LabelProblem | undefined {
  if (ne - ns > limits.maxLabelNameLength) {
    return { reason: 'label_name_too_long', detail: `a label name is ${ne - ns} bytes long` }
  }
  if (!isValidLabelName(buf, ns, ne)) {
    return { reason: 'invalid_label_name', detail: `label name ${quote(buf, ns, ne)} is invalid` }
  }
  if (ve - vs > limits.maxLabelValueLength) {
    return {
      reason: 'label_value_too_long',
      detail: `label ${quote(buf, ns, ne)} has a ${ve - vs}-byte value`,
    }
  }
  if (ve === vs) return undefined
  if (labels.length >= limits.maxLabelsPerSeries * 2) {
    return { reason: 'too_many_labels', detail: `more than ${limits.maxLabelsPerSeries} labels` }
  }
  const value = decodeUtf8(buf, vs, ve)
  if (value === undefined) {
    return { reason: 'invalid_utf8', detail: `label ${quote(buf, ns, ne)} has a value that is not UTF-8` }
  }
  labels.push(decodeAscii(buf, ns, ne), value)
  return undefined
}

/** Sorts `[name, value, …]` by name in place; reports a name that appears twice. */
export function sortAndCheck(labels: string[]): LabelProblem | undefined {
  const pairs: [string, string][] = []
  for (let i = 0; i < labels.length; i += 2) pairs.push([labels[i]!, labels[i + 1]!])
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  for (let i = 0; i < pairs.length; i++) {
    labels[i * 2] = pairs[i]![0]
    labels[i * 2 + 1] = pairs[i]![1]
    if (i > 0 && pairs[i]![0] === pairs[i - 1]![0]) return duplicate(pairs[i]![0])
  }
  return undefined
}

export function duplicate(name: string): LabelProblem {
  return { reason: 'duplicate_label_name', detail: `label "${name}" appears twice` }
}

/** True when `buf[start, end)` matches `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLabelName(buf: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false
  const first = buf[start]!
  if (!(isLetter(first) || first === 0x5f)) return false
  for (let i = start + 1; i < end; i++) {
    const c = buf[i]!
    if (!(isLetter(c) || c === 0x5f || (c >= 0x30 && c <= 0x39))) return false
  }
  return true
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
}

function quote(buf: Uint8Array, start: number, end: number): string {
  const s = new TextDecoder().decode(buf.subarray(start, Math.min(end, start + 64)))
  return JSON.stringify(end - start > 64 ? `${s}…` : s)
}
