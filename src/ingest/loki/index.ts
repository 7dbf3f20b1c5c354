export { LokiPushDecoder } from './loki-push-decoder.js'
export type { LokiPushDecoderOptions } from './loki-push-decoder.js'
export { decodePushJson } from './decode-push-json.js'
export { decodePushRequest } from './decode-push-proto.js'
export { isRejectReason, rejectReasons } from './decode-result.js'
export type {
  DecodeFailure,
  DecodeResult,
  DecodeSuccess,
  RejectReason,
  RejectedEntry,
} from './decode-result.js'
export { parseLabelSelector } from './label-selector.js'
export type { SelectorParse } from './label-selector.js'
export {
  DEFAULT_LOKI_LIMITS,
  DEFAULT_MAX_LABEL_NAME_LENGTH,
  DEFAULT_MAX_LABEL_VALUE_LENGTH,
  DEFAULT_MAX_LABELS_PER_STREAM,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_STRUCTURED_METADATA_PAIRS,
  resolveLimits,
} from './limits.js'
export type { LokiLimits } from './limits.js'
