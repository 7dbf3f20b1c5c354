/**
 * Why one OTLP log record or span was rejected while the rest of its request was accepted. Each
 * reason is counted per request, so the receiver can answer with an OTLP partial success
 * (`rejected_log_records` / `rejected_spans` plus a message) and count drops per reason. (The
 * metrics decoder has its own, `RejectReason`.)
 */
export const recordRejectReasons = [
  'too_many_attributes',
  'attribute_name_too_long',
  'attribute_value_too_long',
  'body_too_long',
  'invalid_trace_id',
  'invalid_span_id',
  'missing_trace_id',
  'missing_span_id',
  'invalid_time',
  'too_many_events',
  'too_many_links',
] as const
export type RecordRejectReason = (typeof recordRejectReasons)[number]

/**
 * Per-record limits of the logs and traces decoders; a record over any of them is rejected, not
 * the whole request. Attribute limits apply to each attribute set on its own: the resource's (a
 * resource over a limit rejects every record under it), a record's or span's, each span event's
 * and each link's.
 */
export interface RecordLimits {
  /** Attributes in one attribute set. */
  readonly maxAttributesPerRecord: number
  /** Characters in an attribute key. */
  readonly maxAttributeNameLength: number
  /** Characters in an attribute value, as rendered (see `Attributes`). */
  readonly maxAttributeValueLength: number
  /** Characters in a log body, as rendered. */
  readonly maxBodyLength: number
  readonly maxEventsPerSpan: number
  readonly maxLinksPerSpan: number
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = {
  maxAttributesPerRecord: 128,
  maxAttributeNameLength: 256,
  maxAttributeValueLength: 4096,
  maxBodyLength: 64 * 1024,
  maxEventsPerSpan: 128,
  maxLinksPerSpan: 128,
}

export function resolveRecordLimits(limits: Partial<RecordLimits> | undefined): RecordLimits {
  return limits === undefined ? DEFAULT_RECORD_LIMITS : { ...DEFAULT_RECORD_LIMITS, ...limits }
}
