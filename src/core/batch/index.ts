export { METRIC_NAME_LABEL, labelValue, labelsKey, sortLabels } from './labels.js'
export type { Labels } from './labels.js'
export { MetricBatchBuilder, SERIES_KIND_CODE, seriesKinds } from './metric-batch.js'
export type { KeptPoint, MetricBatch, SeriesKind } from './metric-batch.js'
