export type {
  AppendOptions,
  AppendResult,
  CleanupPolicy,
  IsolationLevel,
  Log,
  LogRecord,
  PartitionDescription,
  PartitionOffsets,
  ProducerIdentity,
  ReadOptions,
  ReadRecord,
  ReadResult,
  TopicConfig,
  TopicDescription,
  TopicPartitionOffset,
} from './log.js'
export { cleanupPolicies, isolationLevels } from './log.js'
export * from './errors.js'
