import type { Clock } from '../../core/index.js'
import type { Log } from '../../log/index.js'
import type { AlertStateChange } from '../alert.js'
import { loadPrometheusRuleFile, parsePrometheusRuleFile } from '../rules/prometheus-rule-file.js'
import { promQLSource } from '../rules/promql-source.js'
import type { PromInstantQueryApi } from '../rules/promql-source.js'
import { parseInhibitRule } from '../routing/inhibition.js'
import type { Notification } from '../routing/notification.js'
import { validateRouteConfig } from '../routing/route-config.js'
import { AlertService } from './alert-service.js'
import type { AlertingConfig } from './alerting-config.js'
import { AnomalyFeed } from './anomaly-feed.js'

export interface AlertServiceDeps {
  readonly clock: Clock
  readonly log: Log
  /** The detectors' anomaly topic. */
  readonly anomalyTopic: string
  /** The store's PromQL engine (Prometheus rule files need it). */
  readonly promql?: PromInstantQueryApi
  readonly notify: (n: Notification) => void
  readonly history?: (changes: readonly AlertStateChange[]) => Promise<void>
  readonly onError: (err: unknown, what: string) => void
  /** Warnings while loading (skipped recording rules, …). */
  readonly onWarning: (message: string) => void
  /** Receivers that get every alert again each minute (Alertmanagers: see `AlertServiceSettings.resendTo`). */
  readonly resendTo?: readonly string[]
  /** Rule files shipped with Vigil (e.g. the self-monitoring rules), as text: name, tenant, YAML. */
  readonly builtInRuleFiles?: readonly {
    readonly name: string
    readonly tenant: string
    readonly text: string
  }[]
}

/** Builds the alerting service from the `alerting:` config: loads rule files, checks every rule. */
export async function createAlertService(
  config: AlertingConfig,
  deps: AlertServiceDeps,
): Promise<AlertService> {
  const ruleFiles = []
  for (const { name, tenant, text } of deps.builtInRuleFiles ?? []) {
    const file = parsePrometheusRuleFile(text, name, {})
    for (const w of file.warnings) deps.onWarning(w)
    ruleFiles.push({ tenant, file })
  }
  for (const { path, tenant } of config.ruleFiles) {
    const file = await loadPrometheusRuleFile(path, {})
    for (const w of file.warnings) deps.onWarning(w)
    ruleFiles.push({ tenant, file })
  }
  if (ruleFiles.length > 0 && deps.promql === undefined) {
    throw new Error(
      'alerting.ruleFiles need the store (store.enabled: true): rules are evaluated on its PromQL engine',
    )
  }
  const route = validateRouteConfig({
    receiver: config.route.receiver,
    groupBy: config.route.groupBy,
    groupWaitMs: config.route.groupWait,
    groupIntervalMs: config.route.groupInterval,
    repeatIntervalMs: config.route.repeatInterval,
    sendResolved: config.route.sendResolved,
    maxAlertsPerNotification: config.route.maxAlerts,
    resolveTimeoutMs: config.route.resolveTimeout,
    maxAlerts: 100_000,
  })
  const promql = deps.promql
  return new AlertService({
    clock: deps.clock,
    source: new AnomalyFeed(deps.log, deps.anomalyTopic),
    anomalyRules: config.anomalyRules.map((r) => ({
      name: r.name,
      selector: r.selector,
      ...(r.minScore === undefined ? {} : { minScore: r.minScore }),
      forMs: r.for,
      keepFiringForMs: r.keepFiringFor,
      labels: r.labels,
      annotations: r.annotations,
    })),
    ruleFiles,
    ...(promql === undefined ? {} : { query: (tenant: string) => promQLSource(promql, tenant) }),
    route,
    inhibitRules: config.inhibitRules.map((r) =>
      parseInhibitRule({
        source_matchers: r.sourceMatchers,
        target_matchers: r.targetMatchers,
        equal: r.equal,
      }),
    ),
    ruleIntervalMs: config.ruleEvaluationInterval,
    lookbackMs: config.lookback,
    maxAlertsPerTenant: config.maxAlertsPerTenant,
    externalURL: config.externalURL,
    notify: deps.notify,
    ...(deps.resendTo === undefined ? {} : { resendTo: deps.resendTo }),
    ...(deps.history === undefined ? {} : { history: deps.history }),
    onError: deps.onError,
  })
}
