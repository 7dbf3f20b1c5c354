import { METRIC_NAME_LABEL, sortLabels } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'
import type { DecodeLimits, RejectReason } from './decode-result.js'
import { sanitizeLabelName } from './prometheus-names.js'

/** The resource attributes that become labels (Prometheus' OTLP translation, plus `service`). */
export interface ServiceIdentity {
  name: string | undefined
  namespace: string | undefined
  instanceId: string | undefined
}

/**
 * Labels taken from the resource: `job` = `service.namespace/service.name` (or `service.name`),
 * `instance` = `service.instance.id`, and `service` = `service.name`, which the pipeline
 * partitions by. Other resource attributes do not become labels. Flat, unsorted pairs.
 */
export function resourceLabels(id: ServiceIdentity): string[] {
  const out: string[] = []
  if (id.name !== undefined && id.name !== '') {
    const job = id.namespace !== undefined && id.namespace !== '' ? `${id.namespace}/${id.name}` : id.name
    out.push('job', job, 'service', id.name)
  }
  if (id.instanceId !== undefined && id.instanceId !== '') out.push('instance', id.instanceId)
  return out
}

/**
 * Collects a data point's attributes (raw key, stringified value) and turns them into a sorted
 * label set, or the reason it breaks a limit. Reused across points: `reset()` before each.
 *
 * Rules: keys are sanitised to Prometheus label names; attributes with an empty key or value are
 * dropped (Prometheus has no empty labels); keys that sanitise to the same name are merged, their
 * values joined with `;` in order of the original keys (as Prometheus does); resource labels and
 * `__name__` win over attributes of the same name.
 */
export class LabelSetBuilder {
  readonly #limits: DecodeLimits
  readonly #keys: string[] = []
  readonly #values: string[] = []
  #n = 0

  constructor(limits: DecodeLimits) {
    this.#limits = limits
  }

  reset(): void {
    this.#n = 0
  }

  add(key: string, value: string): void {
    this.#keys[this.#n] = key
    this.#values[this.#n] = value
    this.#n++
  }

  /** `reserve`: labels the caller adds afterwards (`le`, `quantile`), counted against the limit. */
  build(name: string, resource: readonly string[], reserve: number): Labels | RejectReason {
    const limits = this.#limits
    const attrs = this.#sanitizedAttributes(resource)
    const count = 1 + resource.length / 2 + attrs.length / 2 + reserve
    if (count > limits.maxLabelsPerSeries) return 'too_many_labels'
    if (name.length > limits.maxLabelValueLength) return 'label_value_too_long'
    const pairs = [METRIC_NAME_LABEL, name, ...resource, ...attrs]
    for (let i = 2; i < pairs.length; i += 2) {
      if (pairs[i]!.length > limits.maxLabelNameLength) return 'label_name_too_long'
      if (pairs[i + 1]!.length > limits.maxLabelValueLength) return 'label_value_too_long'
    }
    return sortLabels(pairs)
  }

  #sanitizedAttributes(resource: readonly string[]): string[] {
    const entries: { key: string; raw: string; value: string }[] = []
    for (let i = 0; i < this.#n; i++) {
      const raw = this.#keys[i]!
      const value = this.#values[i]!
      if (raw === '' || value === '') continue
      const key = sanitizeLabelName(raw)
      if (key === METRIC_NAME_LABEL || isResourceLabel(resource, key)) continue
      entries.push({ key, raw, value })
    }
    if (entries.length > 1) entries.sort((a, b) => cmp(a.key, b.key) || cmp(a.raw, b.raw))
    const out: string[] = []
    for (const e of entries) {
      const last = out.length - 2
      if (last >= 0 && out[last] === e.key) out[last + 1] = `${out[last + 1]!};${e.value}`
      else out.push(e.key, e.value)
    }
    return out
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function isResourceLabel(resource: readonly string[], key: string): boolean {
  for (let i = 0; i < resource.length; i += 2) if (resource[i] === key) return true
  return false
}

/** `labels` (sorted) with `name` set to `value`, still sorted; replaces an existing `name`. */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: string[] = []
  let placed = false
  for (let i = 0; i < labels.length; i += 2) {
    const n = labels[i]!
    if (!placed && n >= name) {
      out.push(name, value)
      placed = true
      if (n === name) continue
    }
    out.push(n, labels[i + 1]!)
  }
  if (!placed) out.push(name, value)
  return out
}
