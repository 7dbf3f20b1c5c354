import { METRIC_NAME_LABEL } from '../../core/batch/index.js'
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
 * partitions by. Other resource attributes do not become labels. Flat pairs, sorted by name.
 */
export function resourceLabels(id: ServiceIdentity): string[] {
  const out: string[] = []
  if (id.instanceId !== undefined && id.instanceId !== '') out.push('instance', id.instanceId)
  if (id.name !== undefined && id.name !== '') {
    const job = id.namespace !== undefined && id.namespace !== '' ? `${id.namespace}/${id.name}` : id.name
    out.push('job', job, 'service', id.name)
  }
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
  /** Per attribute: its sanitised key; and the order of the kept attributes (reused). */
  readonly #names: string[] = []
  readonly #order: number[] = []
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

  /**
   * `resource`: sorted pairs (see `resourceLabels`). `reserve`: labels the caller adds afterwards
   * (`le`, `quantile`), counted against the limit.
   */
  build(name: string, resource: readonly string[], reserve: number): Labels | RejectReason {
    const limits = this.#limits
    const order = this.#sortedAttributes(resource)
    let distinct = 0
    for (let i = 0; i < order.length; i++)
      if (i === 0 || this.#names[order[i]!] !== this.#names[order[i - 1]!]) distinct++
    if (1 + resource.length / 2 + distinct + reserve > limits.maxLabelsPerSeries) return 'too_many_labels'
    if (name.length > limits.maxLabelValueLength) return 'label_value_too_long'
    const out: string[] = []
    let r = 0
    let nameDone = false
    for (let i = 0; i <= order.length; i++) {
      const key = i < order.length ? this.#names[order[i]!]! : undefined
      if (key !== undefined && i > 0 && key === this.#names[order[i - 1]!]) {
        out[out.length - 1] = `${out[out.length - 1]!};${this.#values[order[i]!]!}`
        continue
      }
      // Everything from the metric name and the resource that sorts before `key` goes first.
      for (;;) {
        const rk = r < resource.length ? resource[r]! : undefined
        const takeName = !nameDone && (rk === undefined || METRIC_NAME_LABEL < rk)
        const next = takeName ? METRIC_NAME_LABEL : rk
        if (next === undefined || (key !== undefined && next > key)) break
        if (takeName) {
          out.push(METRIC_NAME_LABEL, name)
          nameDone = true
        } else {
          out.push(rk!, resource[r + 1]!)
          r += 2
        }
      }
      if (key !== undefined) out.push(key, this.#values[order[i]!]!)
    }
    for (let i = 0; i < out.length; i += 2) {
      if (out[i]!.length > limits.maxLabelNameLength && out[i] !== METRIC_NAME_LABEL)
        return 'label_name_too_long'
      if (out[i + 1]!.length > limits.maxLabelValueLength) return 'label_value_too_long'
    }
    return out
  }

  /** Indexes of the attributes kept, sorted by (sanitised key, original key). */
  #sortedAttributes(resource: readonly string[]): number[] {
    const order = this.#order
    order.length = 0
    for (let i = 0; i < this.#n; i++) {
      const raw = this.#keys[i]!
      if (raw === '' || this.#values[i] === '') continue
      const key = sanitizeLabelName(raw)
      if (key === METRIC_NAME_LABEL || isResourceLabel(resource, key)) continue
      this.#names[i] = key
      order.push(i)
    }
    if (order.length > 1) {
      const names = this.#names
      const keys = this.#keys
      order.sort((a, b) => cmp(names[a]!, names[b]!) || cmp(keys[a]!, keys[b]!))
    }
    return order
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
