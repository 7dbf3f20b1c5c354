import { labelValue, sortLabels } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'
import { exceedsUtf8Bytes } from '../text/utf8-bytes.js'
import type { RejectReason } from './decode-result.js'
import type { LokiLimits } from './limits.js'

/** Labels that name the service of a stream, in order of preference. */
export const SERVICE_LABELS = ['service_name', 'service', 'job', 'app'] as const

/** The service of a stream: the first of SERVICE_LABELS it has, else ''. */
export function streamService(labels: Labels): string {
  for (const name of SERVICE_LABELS) {
    const v = labelValue(labels, name)
    if (v !== undefined) return v
  }
  return ''
}

/** Why a stream's (sorted, unique) labels break the limits, or undefined when they don't. */
export function checkStreamLabels(labels: Labels, limits: LokiLimits): RejectReason | undefined {
  if (labels.length > limits.maxLabelsPerStream * 2) return 'too_many_labels'
  return checkPairs(labels, limits)
}

/** Why a flat `[name, value, …]` list has a name or value over the length limits, or undefined. */
export function checkPairs(pairs: readonly string[], limits: LokiLimits): RejectReason | undefined {
  for (let i = 0; i < pairs.length; i += 2) {
    if (exceedsUtf8Bytes(pairs[i]!, limits.maxLabelNameLength)) return 'label_name_too_long'
    if (exceedsUtf8Bytes(pairs[i + 1]!, limits.maxLabelValueLength)) return 'label_value_too_long'
  }
  return undefined
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * The labels of a JSON `stream` object (`{"job": "api"}`), sorted; undefined when a name is not a
 * Prometheus label name or a value is not a string.
 */
export function labelsFromObject(stream: Readonly<Record<string, unknown>>): string[] | undefined {
  const labels: string[] = []
  for (const name in stream) {
    const value = stream[name]
    if (typeof value !== 'string' || !LABEL_NAME.test(name)) return undefined
    labels.push(name, value)
  }
  return sortLabels(labels)
}
