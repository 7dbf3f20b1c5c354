export {
  PipelineError,
  errorCode,
  errorDomains,
  findPipelineError,
  isPermanent,
  isRetryable,
} from './errors.js'
export type { ErrorDomain, PipelineErrorOptions } from './errors.js'
export { systemClock } from './clock.js'
export type { Clock } from './clock.js'
export { fnv1a32, keyPartition, partitionHash } from './fnv1a.js'
