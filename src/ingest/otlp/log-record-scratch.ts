import type { LogBatchBuilder } from '../../core/batch/index.js'
import { NanoTime } from './nano-time.js'
import type { RecordDecodeState } from './record-decode-state.js'
import type { RecordRejectReason } from './record-limits.js'

export const EVENT_NAME_ATTRIBUTE = 'event.name'

/**
 * The fields of the log record being read, filled by the protobuf or the JSON reader (attributes
 * go to `state.attributes`), then checked and added by `finish`, so both encodings share one set
 * of rules. One instance per decoder module: decoding is synchronous, one record at a time.
 */
export class LogRecordScratch {
  readonly time = new NanoTime()
  readonly observed = new NanoTime()
  severity = 0
  severityText = ''
  body = ''
  flags = 0
  /** Lowercase hex or ''; undefined when malformed (see trace-ids.ts). */
  traceId: string | undefined = ''
  spanId: string | undefined = ''
  eventName = ''

  reset(): void {
    this.time.clear()
    this.observed.clear()
    this.severity = 0
    this.severityText = ''
    this.body = ''
    this.flags = 0
    this.traceId = ''
    this.spanId = ''
    this.eventName = ''
  }

  /**
   * Adds the record to the batch, or returns why it is rejected, checking in this order: its
   * resource, its attributes (with `event_name`, which has no column and becomes the attribute
   * `event.name` unless the record has one), its body, its ids.
   */
  finish(state: RecordDecodeState<LogBatchBuilder>): RecordRejectReason | undefined {
    if (state.resourceViolation !== undefined) return state.resourceViolation
    const attributes = state.attributes
    if (this.eventName !== '' && !attributes.has(EVENT_NAME_ATTRIBUTE)) {
      attributes.add(EVENT_NAME_ATTRIBUTE, this.eventName)
    }
    if (attributes.violation !== undefined) return attributes.violation
    if (this.body.length > state.limits.maxBodyLength) return 'body_too_long'
    if (this.traceId === undefined) return 'invalid_trace_id'
    if (this.spanId === undefined) return 'invalid_span_id'
    state.accepted++
    state.builder.add({
      resource: state.resource(),
      timeMs: this.time.ms,
      timeNanos: this.time.nanos,
      observedTimeMs: this.observed.ms,
      observedTimeNanos: this.observed.nanos,
      // SeverityNumber values unknown to the spec (outside 0–24) become 0, unspecified.
      severityNumber: this.severity >= 0 && this.severity <= 24 ? this.severity : 0,
      severityText: this.severityText,
      body: this.body,
      attributes: attributes.take(),
      traceId: this.traceId,
      spanId: this.spanId,
      flags: this.flags >>> 0,
    })
    return undefined
  }
}
