// The alerting API's routes (docs/alerting.md#api), registered by the pipeline on the API listener.
export { alertRoutes } from './alert-routes.js'
export type { AlertApiService, AlertRouteDeps } from './alert-routes.js'
export { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX } from './history-params.js'
export type { AlertChangeJson, AlertJson, SilenceJson } from './alert-json.js'
export { ANOMALY_RULES_FILE, prometheusRuleGroups } from './prometheus-rules.js'
export type { AlertingRules } from './prometheus-rules.js'
