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
