import type { PromAlertingRule, PromRuleAlert, PromRuleGroup } from '../../query/promql/api/prom-rules.js'
import type { Alert, AlertLabels, RuleKind } from '../alert.js'
import type { AnomalyRuleSpec } from '../rules/anomaly-rule.js'
import { formatGoE } from '../rules/go-format.js'
import type { AlertingRule, RuleGroup } from '../rules/prometheus-rule-file.js'
import { GO_ZERO_TIME, formatRfc3339 } from '../routing/webhook-payload.js'
import type { TenantRuleFile } from '../service/alert-service.js'

/** The rules the alerting service evaluates: what `AlertServiceSettings` holds. */
export interface AlertingRules {
  readonly ruleFiles: readonly TenantRuleFile[]
  readonly anomalyRules: readonly AnomalyRuleSpec[]
  /** Prometheus' `evaluation_interval`, for rule groups without their own `interval`. */
  readonly ruleIntervalMs: number
  /** How often the anomaly rules are evaluated (`alerting.evaluationInterval`). */
  readonly anomalyIntervalMs: number
}

/** The file named in the group of anomaly rules (they come from the config, not from a rule file). */
export const ANOMALY_RULES_FILE = 'vigil:alerting.anomalyRules'

/**
 * Prometheus' `/api/v1/rules` groups for `tenant` (the `ruleGroups` of `PromQueryService`): each of
 * the tenant's rule files' groups, then one group `anomaly` holding the anomaly rules (every tenant
 * has them; the query is the rule's series selector, with its minimum score when it has one). Each
 * rule lists the tenant's pending and firing alerts of that kind and name (two rules of one name in
 * different groups share their alerts). The service does not expose evaluation results per rule,
 * so `health` is `unknown`, `evaluationTime` 0 and `lastEvaluation` the newest evaluation of the
 * rule's alerts (Go's zero time without alerts).
 */
export function prometheusRuleGroups(
  rules: AlertingRules,
  tenant: string,
  alerts: readonly Alert[],
): PromRuleGroup[] {
  const byRule = new Map<string, Alert[]>()
  for (const a of alerts) {
    if (a.tenant !== tenant || a.state === 'resolved') continue
    const key = ruleKey(a.ruleKind, a.ruleName)
    const list = byRule.get(key)
    if (list === undefined) byRule.set(key, [a])
    else list.push(a)
  }
  const alertsOf = (kind: RuleKind, name: string) => byRule.get(ruleKey(kind, name)) ?? []
  const groups = rules.ruleFiles
    .filter((f) => f.tenant === tenant)
    .flatMap(({ file }) => file.groups.map((g) => promGroup(g, rules.ruleIntervalMs, alertsOf)))
  if (rules.anomalyRules.length > 0) {
    groups.push(
      group(
        'anomaly',
        ANOMALY_RULES_FILE,
        rules.anomalyIntervalMs,
        0,
        rules.anomalyRules.map((r) =>
          rule(
            r.name,
            r.minScore === undefined ? r.selector : `${r.selector} (score >= ${r.minScore})`,
            r.forMs,
            r.keepFiringForMs ?? 0,
            r.labels ?? {},
            r.annotations ?? {},
            alertsOf('anomaly', r.name),
          ),
        ),
      ),
    )
  }
  return groups
}

function promGroup(
  g: RuleGroup,
  defaultIntervalMs: number,
  alertsOf: (kind: RuleKind, name: string) => Alert[],
): PromRuleGroup {
  const rules = g.rules.map((r: AlertingRule) =>
    rule(r.name, r.expr, r.forMs, r.keepFiringForMs, r.labels, r.annotations, alertsOf('prometheus', r.name)),
  )
  return group(g.name, g.file, g.intervalMs ?? defaultIntervalMs, g.limit, rules)
}

function group(
  name: string,
  file: string,
  intervalMs: number,
  limit: number,
  rules: PromAlertingRule[],
): PromRuleGroup {
  return {
    name,
    file,
    rules,
    interval: intervalMs / 1000,
    limit,
    evaluationTime: 0,
    lastEvaluation: latest(rules.map((r) => r.lastEvaluation)),
  }
}

function rule(
  name: string,
  query: string,
  forMs: number,
  keepFiringForMs: number,
  labels: AlertLabels,
  annotations: AlertLabels,
  alerts: readonly Alert[],
): PromAlertingRule {
  const state = alerts.some((a) => a.state === 'firing')
    ? 'firing'
    : alerts.length > 0
      ? 'pending'
      : 'inactive'
  const lastEvalMs = Math.max(-Infinity, ...alerts.map((a) => a.lastEvalMs))
  return {
    state,
    name,
    query,
    duration: forMs / 1000,
    keepFiringFor: keepFiringForMs / 1000,
    labels,
    annotations,
    alerts: alerts.map(ruleAlert),
    health: 'unknown',
    evaluationTime: 0,
    lastEvaluation: Number.isFinite(lastEvalMs) ? formatRfc3339(lastEvalMs) : GO_ZERO_TIME,
    type: 'alerting',
  }
}

function ruleAlert(a: Alert): PromRuleAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state === 'firing' ? 'firing' : 'pending',
    activeAt: formatRfc3339(a.activeAtMs),
    ...(a.keepFiringSinceMs === null ? {} : { keepFiringSince: formatRfc3339(a.keepFiringSinceMs) }),
    value: goExponent(a.lastValue),
  }
}

/** Go's `strconv.FormatFloat(v, 'e', -1, 64)`: the shortest digits in exponent form. */
function goExponent(v: number): string {
  if (!Number.isFinite(v)) return formatGoE(v, 0)
  const digits = v.toExponential().replace(/^-/, '').split('e')[0]!.replace('.', '')
  return formatGoE(v, digits.length - 1)
}

/** The newest of RFC 3339 times, ignoring Go's zero time (which is the answer when there is none). */
function latest(times: readonly string[]): string {
  const real = times.filter((t) => t !== GO_ZERO_TIME).map((t) => Date.parse(t))
  return real.length === 0 ? GO_ZERO_TIME : formatRfc3339(Math.max(...real))
}

function ruleKey(kind: RuleKind, name: string): string {
  return `${kind}\u0000${name}`
}
