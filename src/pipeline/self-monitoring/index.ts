export {
  DEFAULT_SELF_INTERVAL_MS,
  DEFAULT_SELF_MAX_SERIES,
  DEFAULT_SELF_TENANT,
  SELF_JOB,
  createDefaultSelfMonitoringConfig,
  parseSelfMonitoringConfig,
  selfMonitoringConfigSchema,
} from './config.js'
export type { SelfMonitoringConfig } from './config.js'
export { SELF_SERIES_LIMIT_REASON, SelfMonitoring, scrapeOutcomes } from './self-monitoring.js'
export type {
  ScrapeOutcome,
  SelfMetricsSource,
  SelfMonitoringSettings,
  SelfMonitoringStatus,
} from './self-monitoring.js'
export { registerSelfMonitoringMetrics } from './self-monitoring-metrics.js'
export { registryToBatch } from './registry-to-batch.js'
export type {
  PromMetricFamily,
  PromMetricValue,
  RegistryBatch,
  RegistryBatchOptions,
} from './registry-to-batch.js'
export { timerScheduler } from './scheduler.js'
export type { Cancel, Scheduler } from './scheduler.js'
export { SELF_ALERT_RULES_YAML } from './self-alert-rules.js'
export { SELF_ANOMALY_RULES, selectorOf } from './self-anomaly-rules.js'
