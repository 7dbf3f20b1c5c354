/**
 * Anomaly rules on Vigil's own series (docs/self-monitoring.md): the same metric names as the
 * alerting rules in self-alert-rules.ts, all selecting `job="vigil"` in the self tenant.
 */

/** A label matcher of an anomaly rule, with PromQL's operators. */
interface SelfRuleMatcher {
  readonly name: string
  readonly type: '=' | '!=' | '=~' | '!~'
  readonly value: string
}

/** The shape of `SELF_ANOMALY_RULES` (the alert module owns the anomaly-rule type itself). */
interface SelfAnomalyRuleLiteral {
  readonly name: string
  readonly matchers: readonly SelfRuleMatcher[]
  readonly minScore: number
  readonly forMs: number
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
}

const SELF = { name: 'job', type: '=', value: 'vigil' } as const
const metric = (name: string) => ({ name: '__name__', type: '=', value: name }) as const
const MIN_SCORE = 0.95
const FOR_MS = 60_000
const LABELS = { severity: 'warning', source: 'self-monitoring' } as const

/**
 * Anomaly rules on the self tenant's series: the detectors score every self series like a user's
 * one; these alert when a score of a selected series stays at or above 0.95 for 1 minute. Plain
 * data; scope them to the self tenant when loading. `$value` in templates is the score.
 */
export const SELF_ANOMALY_RULES = [
  {
    name: 'VigilIngestRateAnomaly',
    matchers: [metric('vigil_ingest_records_total'), SELF, { name: 'outcome', type: '=', value: 'received' }],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: {
      summary:
        'Unusual {{ $labels.signal }} ingest rate of tenant {{ $labels.tenant }} (score {{ $value }}).',
    },
  },
  {
    name: 'VigilIngestRefusalAnomaly',
    matchers: [metric('vigil_ingest_refused_requests_total'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: {
      summary: 'Unusual rate of {{ $labels.protocol }} ingest refusals ({{ $labels.reason }}).',
    },
  },
  {
    name: 'VigilDeadLetterAnomaly',
    matchers: [metric('vigil_ingest_dead_lettered_records_total'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: {
      summary: 'Unusual dead-letter rate of tenant {{ $labels.tenant }} ({{ $labels.reason }}).',
    },
  },
  {
    name: 'VigilEngineReadRateAnomaly',
    matchers: [metric('vigil_engine_records_read_total'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: {
      summary: 'Engine job {{ $labels.exported_job }} task {{ $labels.task }} reads at an unusual rate.',
    },
  },
  {
    name: 'VigilCheckpointDurationAnomaly',
    matchers: [metric('vigil_engine_checkpoint_duration_seconds'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: {
      summary:
        'Unusual checkpoint duration of engine job {{ $labels.exported_job }} task {{ $labels.task }}.',
    },
  },
  {
    name: 'VigilStoreWriteRateAnomaly',
    matchers: [metric('vigil_store_rows_written_total'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: { summary: 'The store on {{ $labels.instance }} writes rows at an unusual rate.' },
  },
  {
    name: 'VigilLogAppendAnomaly',
    matchers: [metric('vigil_log_appended_bytes_total'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: { summary: 'The log on {{ $labels.instance }} grows at an unusual rate.' },
  },
  {
    name: 'VigilEventLoopLagAnomaly',
    matchers: [metric('nodejs_eventloop_lag_p99_seconds'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: { summary: 'Unusual event-loop lag on {{ $labels.instance }}.' },
  },
  {
    name: 'VigilMemoryAnomaly',
    matchers: [metric('process_resident_memory_bytes'), SELF],
    minScore: MIN_SCORE,
    forMs: FOR_MS,
    labels: LABELS,
    annotations: { summary: 'Unusual resident memory of {{ $labels.instance }}.' },
  },
] as const satisfies readonly SelfAnomalyRuleLiteral[]

/**
 * A rule's matchers as a PromQL series selector, `{__name__="up",job="vigil"}`, for rule types
 * that take a selector string.
 */
export function selectorOf(matchers: readonly SelfRuleMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`
}
