export { decodeOtlpMetricsProto } from './decode-metrics.js'
export { decodeOtlpMetricsJson } from './decode-metrics-json.js'
export { DEFAULT_DECODE_LIMITS, describeRejects, rejectReasons } from './decode-result.js'
export type {
  DecodeFailure,
  DecodeLimits,
  DecodeResult,
  DecodeSuccess,
  RejectReason,
  RejectedPoint,
} from './decode-result.js'
export { readExponentialHistogramPoint } from './exponential-histogram.js'
export type { ExponentialHistogramBuckets, ExponentialHistogramPoint } from './exponential-histogram.js'
export { STALE_NAN, isStaleNaN } from './stale-nan.js'
export { OtlpMetricsDecoder } from './otlp-metrics-decoder.js'
export type { OtlpMetricsDecoderOptions } from './otlp-metrics-decoder.js'
export { decodeOtlpLogsProto } from './decode-logs.js'
export type { LogsDecodeResult } from './decode-logs.js'
export { decodeOtlpLogsJson } from './decode-logs-json.js'
export { decodeOtlpTracesProto } from './decode-traces.js'
export type { TracesDecodeResult } from './decode-traces.js'
export { decodeOtlpTracesJson } from './decode-traces-json.js'
export { DEFAULT_RECORD_LIMITS, recordRejectReasons } from './record-limits.js'
export type { RecordLimits, RecordRejectReason } from './record-limits.js'
export { describeRecordRejects } from './record-result.js'
export type { RecordDecodeResult, RecordDecodeSuccess, RejectedRecord } from './record-result.js'
export { OtlpLogsDecoder } from './otlp-logs-decoder.js'
export type { OtlpRecordDecoderOptions } from './otlp-logs-decoder.js'
export { OtlpTracesDecoder } from './otlp-traces-decoder.js'
