export { LogCountsOperator, logEventTimeMs, maxLogTimeMs } from './log-counts-operator.js'
export type { LogCountsLateRecord, LogCountsSettings } from './log-counts-operator.js'
export { severityBucket, severityBuckets } from './severity.js'
export type { SeverityBucket } from './severity.js'
