import { PipelineError, findPipelineError, isRetryable } from '../../core/index.js'
import type { AlertCandidate } from '../alert-candidate.js'
import { canonicalLabels } from '../alert-labels.js'
import type { AlertLabels } from '../alert.js'
import type { AlertingRule, RuleGroup } from './prometheus-rule-file.js'
import { expandTemplate } from './template.js'
import type { TemplateData } from './template.js'

/** One sample of an instant query's result (a scalar result is one sample without labels). */
export interface QuerySample {
  readonly labels: AlertLabels
  readonly value: number
}

/**
 * Evaluates a PromQL expression at one time, for the caller's tenant (the rule evaluator never
 * chooses a tenant). `promQLSource` backs it with the store's query engine. A rejection is a
 * failed evaluation: the rule's alerts stay as they are until the next one.
 */
export type InstantQuery = (expr: string, timeMs: number) => Promise<readonly QuerySample[]>

export interface RuleEvalSettings {
  /** Prometheus' `external_labels`, for `$externalLabels` in templates. */
  readonly externalLabels: AlertLabels
  /** Prometheus' `--web.external-url`, for `$externalURL` and generator URLs. */
  readonly externalURL: string
}

/**
 * One evaluation of a Prometheus alerting rule at `timeMs`, as Prometheus 2.42's
 * `AlertingRule.Eval` builds its active alerts: one candidate per result sample, labelled with the
 * sample's labels without `__name__`, then the rule's labels (templates expanded; an empty result
 * removes the label), then `alertname`; annotations expanded with the sample's labels and value.
 * The query runs at `timeMs - group.queryOffsetMs`.
 *
 * Rejects, as Prometheus does, when two samples end with the same label set
 * (`ALERT_RULE_EVAL`), when there are more than `group.limit` candidates (`ALERT_RULE_LIMIT`), and
 * when the query fails (`ALERT_RULE_EVAL`, retryable when the query's error is). The candidates go
 * to the rule's `AlertTracker`, which applies `for` and `keep_firing_for`.
 */
export async function evaluatePrometheusRule(
  rule: AlertingRule,
  group: Pick<RuleGroup, 'name' | 'limit' | 'queryOffsetMs'>,
  query: InstantQuery,
  timeMs: number,
  settings: RuleEvalSettings,
): Promise<AlertCandidate[]> {
  const where = `alerting rule ${JSON.stringify(rule.name)} of group ${JSON.stringify(group.name)}`
  let samples: readonly QuerySample[]
  try {
    samples = await query(rule.expr, timeMs - group.queryOffsetMs)
  } catch (err) {
    throw new PipelineError(`${where}: the query failed: ${(err as Error).message}`, {
      code: 'ALERT_RULE_EVAL',
      domain: findPipelineError(err)?.domain ?? 'external',
      retryable: isRetryable(err),
      cause: err,
    })
  }
  if (group.limit > 0 && samples.length > group.limit) {
    throw new PipelineError(`${where}: exceeded limit of ${group.limit} with ${samples.length} alerts`, {
      code: 'ALERT_RULE_LIMIT',
      domain: 'user',
      retryable: false,
    })
  }
  const out: AlertCandidate[] = []
  const seen = new Set<string>()
  for (const sample of samples) {
    const data: TemplateData = { ...settings, labels: sample.labels, value: sample.value }
    const pairs: [string, string][] = Object.entries(sample.labels).filter(([n]) => n !== '__name__')
    for (const [name, text] of Object.entries(rule.labels)) pairs.push([name, expandTemplate(text, data)])
    pairs.push(['alertname', rule.name])
    const labels = canonicalLabels(pairs)
    const key = JSON.stringify(labels)
    if (seen.has(key)) {
      throw new PipelineError(
        `${where}: vector contains metrics with the same labelset after applying alert labels`,
        { code: 'ALERT_RULE_EVAL', domain: 'user', retryable: false },
      )
    }
    seen.add(key)
    const annotations = canonicalLabels(
      Object.entries(rule.annotations).map(([name, text]) => [name, expandTemplate(text, data)] as const),
    )
    out.push({ labels, annotations, value: sample.value })
  }
  return out
}

/** Prometheus' generator URL of a rule: its expression in the external URL's graph page. */
export function generatorURL(externalURL: string, expr: string): string {
  if (externalURL === '') return ''
  const q = encodeURIComponent(expr).replace(/%20/g, '+')
  return `${externalURL.replace(/\/$/, '')}/graph?g0.expr=${q}&g0.tab=1`
}
