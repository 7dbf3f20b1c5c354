export {
  METRIC_NAME_LABEL,
  labelFacts,
  labelValue,
  labelsHash,
  labelsKey,
  serviceOfLabels,
  sortLabels,
} from './labels.js'
export type { Labels } from './labels.js'
export { MetricBatchBuilder, SERIES_KIND_CODE, seriesKinds } from './metric-batch.js'
export type { KeptPoint, MetricBatch, SeriesKind } from './metric-batch.js'
export { METRIC_BATCH_FORMAT_VERSION, decodeMetricBatch, encodeMetricBatch } from './metric-batch-codec.js'
export type { DecodeBatchResult } from './metric-batch-codec.js'
export { ResourceDictionary, attributeValue } from './resource.js'
export type { Attributes, ResourceEntry } from './resource.js'
export { LogBatchBuilder } from './log-batch.js'
export type { LogBatch, LogRow } from './log-batch.js'
export { SpanBatchBuilder, spanDurationNanos, spanKinds, spanStatusCodes } from './span-batch.js'
export type { SpanBatch, SpanEventRow, SpanLinkRow, SpanRow } from './span-batch.js'
export type { EventBatch, EventRow } from './event-batch.js'
export { BATCH_FORMAT_VERSION, BATCH_KIND_CODE } from './binary.js'
export type { BatchKind } from './binary.js'
export { decodeLogBatch, encodeLogBatch } from './log-batch-codec.js'
export { decodeSpanBatch, encodeSpanBatch } from './span-batch-codec.js'
export { decodeEventBatch, encodeEventBatch } from './event-batch-codec.js'
export { decodeResultBatch, encodeResultBatch } from './result-batch-codec.js'
export type { ResultBatch, ResultRow } from './result-batch.js'
export { decodeAnomalyBatch, encodeAnomalyBatch } from './anomaly-batch-codec.js'
export type { AnomalyBatch, AnomalyRow } from './anomaly-batch.js'
export { decodeBatch } from './batch-codec.js'
export type { AnyBatch } from './batch-codec.js'
