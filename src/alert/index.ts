// The alerting module's public surface (docs/alerting.md): alert records, the two kinds of rule,
// the alert lifecycle, and routing (grouping, silences, inhibition, acknowledgement, the
// Alertmanager webhook payload). Everything here is synchronous and clock-driven except loading a
// rule file and evaluating a PromQL rule.
export { alertStates, ruleKinds, stateChangedAtMs } from './alert.js'
export type { Alert, AlertLabels, AlertState, AlertStateChange, RuleKind, TransitionState } from './alert.js'
export type { AlertCandidate } from './alert-candidate.js'
export { canonicalLabels, labelOf, labelSetString, labelsFromFlat } from './alert-labels.js'
export type { AnomalyObservation } from './anomaly-observation.js'
export { labelsFingerprint } from './fingerprint.js'
export {
  MatcherError,
  compileMatcher,
  matchTypes,
  matchesAll,
  parseMatcher,
  parseMatchers,
} from './label-matcher.js'
export type { CompiledMatcher, LabelMatcher, MatchType } from './label-matcher.js'

export { loadPrometheusRuleFile, parsePrometheusRuleFile } from './rules/prometheus-rule-file.js'
export type {
  AlertingRule,
  PrometheusRuleFile,
  RuleFileOptions,
  RuleGroup,
  SkippedRule,
} from './rules/prometheus-rule-file.js'
export { RuleFileError } from './rules/rule-file-error.js'
export { expandTemplate } from './rules/template.js'
export type { TemplateData } from './rules/template.js'
export { evaluatePrometheusRule, generatorURL } from './rules/prometheus-rule-evaluator.js'
export type { InstantQuery, QuerySample, RuleEvalSettings } from './rules/prometheus-rule-evaluator.js'
export { promQLSource } from './rules/promql-source.js'
export type { PromInstantQueryApi } from './rules/promql-source.js'
export {
  AnomalyRule,
  DEFAULT_ANOMALY_MAX_SERIES,
  DEFAULT_ANOMALY_STALE_AFTER_MS,
} from './rules/anomaly-rule.js'
export type { AnomalyRuleSettings, AnomalyRuleSpec } from './rules/anomaly-rule.js'

export { ActiveAlertBudget } from './lifecycle/alert-budget.js'
export { AlertTracker, DEFAULT_RESOLVED_RETENTION_MS } from './lifecycle/alert-tracker.js'
export type { AlertTrackerOptions } from './lifecycle/alert-tracker.js'
export { DEFAULT_FLAP_POLICY } from './lifecycle/flap-policy.js'
export type { FlapPolicy } from './lifecycle/flap-policy.js'

export { Grouper } from './routing/grouper.js'
export type { GrouperSettings } from './routing/grouper.js'
export { DEFAULT_ROUTE_CONFIG, validateRouteConfig } from './routing/route-config.js'
export type { RouteConfig } from './routing/route-config.js'
export type { Notification } from './routing/notification.js'
export { GO_ZERO_TIME, formatRfc3339 } from './routing/webhook-payload.js'
export type { WebhookAlert, WebhookPayload, WebhookStatus } from './routing/webhook-payload.js'
export { Silences, silenceState, silenceStates } from './routing/silences.js'
export type { Silence, SilenceInput, SilenceState, SilencesOptions } from './routing/silences.js'
export { Inhibitor, parseInhibitRule } from './routing/inhibition.js'
export type { InhibitRule, InhibitRuleConfig, InhibitorOptions } from './routing/inhibition.js'
export { Acknowledgements } from './routing/acknowledgement.js'
export type { Acknowledgement, AcknowledgementsOptions } from './routing/acknowledgement.js'
export { Muter } from './routing/muter.js'
export type { AlertMarks } from './routing/muter.js'

export { AlertService } from './service/alert-service.js'
export type {
  AlertServiceSettings,
  AlertServiceStatus,
  AlertView,
  AnomalySource,
} from './service/alert-service.js'
export { AnomalyFeed } from './service/anomaly-feed.js'
export { alertingConfigSchema, createDefaultAlertingConfig } from './service/alerting-config.js'
export type { AlertingConfig } from './service/alerting-config.js'
export { createAlertService } from './service/create-alert-service.js'
export type { AlertServiceDeps } from './service/create-alert-service.js'
