export { openEmbeddedLog } from './embedded-log.js'
export { newEmbeddedLogStats } from './embedded-log-stats.js'
export type { EmbeddedLog, EmbeddedLogEvent, EmbeddedLogSettings, EmbeddedLogStats } from './embedded-log.js'
export {
  createDefaultEmbeddedLogConfig,
  embeddedLogConfigSchema,
  fsyncPolicies,
  parseEmbeddedLogConfig,
} from './config.js'
export type { EmbeddedLogConfig, FsyncPolicy } from './config.js'
