export { decodeOtlpMetricsProto } from './decode-metrics.js'
export { DEFAULT_DECODE_LIMITS, describeRejects, rejectReasons } from './decode-result.js'
export type {
  DecodeFailure,
  DecodeLimits,
  DecodeResult,
  DecodeSuccess,
  RejectReason,
  RejectedPoint,
} from './decode-result.js'
export { STALE_NAN, isStaleNaN } from './stale-nan.js'
