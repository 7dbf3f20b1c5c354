export { EventsDecoder } from './events-decoder.js'
export type { EventsDecoderOptions } from './events-decoder.js'
export { decodeEvents } from './decode-events.js'
export { isRejectReason, rejectReasons } from './decode-result.js'
export type {
  DecodeFailure,
  DecodeResult,
  DecodeSuccess,
  RejectReason,
  RejectedEvent,
} from './decode-result.js'
export { STREAM_NAME_PATTERN, isValidStreamName, streamNameProblem } from './stream-name.js'
export {
  DEFAULT_EVENTS_LIMITS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_FIELDS,
  DEFAULT_MAX_KEY_LENGTH,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_VALUE_LENGTH,
  resolveLimits,
} from './limits.js'
export type { EventsLimits } from './limits.js'
export { eventTimeMs, parseRfc3339 } from './event-time.js'
