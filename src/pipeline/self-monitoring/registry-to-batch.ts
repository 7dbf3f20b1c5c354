import { MetricBatchBuilder, METRIC_NAME_LABEL, sortLabels } from '../../core/batch/index.js'
import type { MetricBatch, SeriesKind } from '../../core/batch/index.js'

/**
 * One metric family as prom-client's `Registry.getMetricsAsJSON()` returns it; only what is read.
 * `type` is `'counter' | 'gauge' | 'histogram' | 'summary'` at run time (the typings say an enum).
 */
export interface PromMetricFamily {
  readonly name: string
  readonly type: unknown
  readonly values?: readonly PromMetricValue[] | undefined
}

/** One sample of a family: histograms and summaries name their `_bucket`/`_sum`/`_count` samples. */
export interface PromMetricValue {
  /** A number; prom-client yields null for a value it has not computed (e.g. an empty lag mean). */
  readonly value: unknown
  readonly labels?: Readonly<Record<string, unknown>> | undefined
  readonly metricName?: string | undefined
  readonly sharedLabels?: Readonly<Record<string, unknown>> | undefined
}

export interface RegistryBatchOptions {
  readonly tenant: string
  /** The `job` label of every series (the service the batch is partitioned by). */
  readonly job: string
  readonly instance: string
  /** The scrape time: every sample's timestamp, epoch ms. */
  readonly timestampMs: number
  readonly maxSeries: number
}

export interface RegistryBatch {
  readonly batch: MetricBatch
  /** Samples (= series: one sample per series) over `maxSeries`, left out. */
  readonly droppedSeries: number
}

/** Labels a scraped series may carry but the scraper sets; the series' own move to `exported_<name>`. */
const TARGET_LABELS = ['job', 'instance'] as const

/**
 * Turns a registry snapshot into one MetricBatch of `tenant`, the way Prometheus would store a
 * scrape of `/metrics`: each sample becomes a series named by its `metricName` (histograms:
 * `_bucket{le}`, `_sum`, `_count`; summaries: `{quantile}`, `_sum`, `_count`) with the family's
 * kind, the sample's labels (empty values dropped, as Prometheus drops them), and the target labels
 * `job` and `instance`. A sample's own `job` or `instance` label is kept as `exported_job` /
 * `exported_instance` (Prometheus' `honor_labels: false`), e.g. the engine job of
 * `vigil_engine_epoch{job="rollups"}`. Every sample gets the timestamp `timestampMs`. Samples
 * whose value is not a number are skipped.
 *
 * Bounded: at most `maxSeries` series, admitted in registry order. The series of one histogram or
 * summary child (all its buckets or quantiles, sum and count) are admitted or dropped together, so
 * `histogram_quantile` never sees half a histogram; a family that does not fit is skipped and later
 * smaller ones may still fit. Registry order is stable, so the same series survive every scrape.
 */
export function registryToBatch(
  families: readonly PromMetricFamily[],
  options: RegistryBatchOptions,
): RegistryBatch {
  const builder = new MetricBatchBuilder(options.tenant, 512)
  let admitted = 0
  let dropped = 0
  const write = (samples: readonly Sample[], kind: SeriesKind): void => {
    if (samples.length === 0) return
    if (admitted + samples.length > options.maxSeries) {
      dropped += samples.length
      return
    }
    admitted += samples.length
    for (const s of samples) builder.sample(builder.series(s.labels, kind), options.timestampMs, s.value)
  }
  for (const family of families) {
    const kind = seriesKindOf(family.type)
    const values = family.values ?? []
    if (kind === 'histogram' || kind === 'summary') {
      const children = new Map<string, Sample[]>()
      const childLabel = kind === 'histogram' ? 'le' : 'quantile'
      for (const v of values) {
        const sample = toSample(family.name, v, options)
        if (sample === undefined) continue
        const key = childKey(v, childLabel)
        let child = children.get(key)
        if (child === undefined) children.set(key, (child = []))
        child.push(sample)
      }
      for (const child of children.values()) write(child, kind)
    } else {
      for (const v of values) {
        const sample = toSample(family.name, v, options)
        if (sample !== undefined) write([sample], kind)
      }
    }
  }
  return { batch: builder.build(), droppedSeries: dropped }
}

interface Sample {
  readonly labels: string[]
  readonly value: number
}

function seriesKindOf(type: unknown): SeriesKind {
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'histogram':
    case 'summary':
      return type
    default:
      return 'unknown'
  }
}

function toSample(family: string, v: PromMetricValue, options: RegistryBatchOptions): Sample | undefined {
  if (typeof v.value !== 'number') return undefined
  const labels = new Map<string, string>()
  for (const source of [v.labels, v.sharedLabels]) {
    for (const [name, raw] of Object.entries(source ?? {})) {
      const text = labelText(raw)
      if (text !== undefined && text !== '' && !labels.has(name)) labels.set(name, text)
    }
  }
  for (const name of TARGET_LABELS) {
    const own = labels.get(name)
    if (own === undefined) continue
    labels.delete(name)
    let exported = `exported_${name}`
    while (labels.has(exported)) exported = `exported_${exported}`
    labels.set(exported, own)
  }
  labels.set('job', options.job)
  labels.set('instance', options.instance)
  labels.delete(METRIC_NAME_LABEL)
  const pairs = [METRIC_NAME_LABEL, v.metricName ?? family]
  for (const [name, value] of labels) pairs.push(name, value)
  return { labels: sortLabels(pairs), value: v.value }
}

/** Label values as the text exposition writes them: numbers as JS prints them, ±Inf as `+Inf`/`-Inf`. */
function labelText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw
  if (typeof raw !== 'number') return undefined
  if (raw === Infinity) return '+Inf'
  if (raw === -Infinity) return '-Inf'
  return String(raw)
}

/** A histogram or summary child: its labels without the bucket or quantile label. */
function childKey(v: PromMetricValue, childLabel: string): string {
  const parts: string[] = []
  for (const source of [v.labels, v.sharedLabels]) {
    for (const [name, raw] of Object.entries(source ?? {})) {
      if (name !== childLabel) parts.push(`${name}\u0000${labelText(raw) ?? ''}`)
    }
  }
  return parts.sort().join('\u0001')
}
