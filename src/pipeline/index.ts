export { AllInOne } from './all-in-one.js'
export type { AllInOneSettings } from './all-in-one.js'
export {
  allInOneConfigSchema,
  createDefaultAllInOneConfig,
  DEFAULT_DATA_DIR,
  parseAllInOneConfig,
} from './all-in-one-config.js'
export type { AllInOneConfig, AllInOneConfigInput } from './all-in-one-config.js'
export { DEFAULT_MAX_PARTITION_SERIES, registerLogMetrics } from './log-metrics.js'
export type { LogMetricsOptions, LogMetricsSource } from './log-metrics.js'
