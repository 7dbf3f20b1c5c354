export { parseDuration, durationMs } from './duration.js'
export {
  createDefaultEngineConfig,
  createDefaultJobsConfig,
  engineConfigSchema,
  jobsConfigSchema,
} from './engine-config.js'
export type { EngineConfig, JobsConfig } from './engine-config.js'
