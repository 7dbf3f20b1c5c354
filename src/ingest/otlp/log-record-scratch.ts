import type { AttributeList } from './attribute-list.js'
import type { RecordDecodeState, ResourceInterner } from './record-decode-state.js'
import type { RecordRejectReason } from './record-limits.js'

/** OTLP SeverityNumber as kept: 0–24, anything else (unknown to the spec) 0 = unspecified. */
export function severityNumber(n: number): number {
  return n >= 0 && n <= 24 ? n : 0
}

export const EVENT_NAME_ATTRIBUTE = 'event.name'

/**
 * LogRecord `event_name` (field 12) has no column in LogRow: it is kept as the attribute
 * `event.name` (the semantic convention it replaced), unless the record already has one.
 */
function withEventName(attributes: AttributeList, eventName: string): void {
  if (eventName !== '' && !attributes.has(EVENT_NAME_ATTRIBUTE))
    attributes.add(EVENT_NAME_ATTRIBUTE, eventName)
}

/**
 * Why the log record just read (its attributes in `state.attributes`) is rejected, if it is, in
 * one order for both encodings: its resource, its attributes (with the event name), its body,
 * its ids (undefined = malformed, see trace-ids.ts).
 */
export function logRecordProblem(
  state: RecordDecodeState<ResourceInterner>,
  body: string,
  traceId: string | undefined,
  spanId: string | undefined,
  eventName: string,
): RecordRejectReason | undefined {
  if (state.resourceViolation !== undefined) return state.resourceViolation
  withEventName(state.attributes, eventName)
  if (state.attributes.violation !== undefined) return state.attributes.violation
  if (body.length > state.limits.maxBodyLength) return 'body_too_long'
  if (traceId === undefined) return 'invalid_trace_id'
  if (spanId === undefined) return 'invalid_span_id'
  return undefined
}
