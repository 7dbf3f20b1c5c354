import { spanKinds, spanStatusCodes } from '../../core/batch/index.js'
import type { SpanBatchBuilder, SpanEventRow, SpanLinkRow } from '../../core/batch/index.js'
import type { AttributeList } from './attribute-list.js'
import { NanoTime } from './nano-time.js'
import type { RecordDecodeState } from './record-decode-state.js'
import type { RecordLimits, RecordRejectReason } from './record-limits.js'

const NO_EVENTS: readonly SpanEventRow[] = Object.freeze([])
const NO_LINKS: readonly SpanLinkRow[] = Object.freeze([])

/**
 * The fields of the span being read, filled by the protobuf or the JSON reader (its attributes go
 * to `state.attributes`), then checked and added by `finish`, so both encodings share one set of
 * rules. One instance per decoder module: decoding is synchronous, one span at a time. Spans
 * without events or links share one frozen empty array.
 */
export class SpanScratch {
  /** Lowercase hex or ''; undefined when malformed (see trace-ids.ts). */
  traceId: string | undefined = ''
  spanId: string | undefined = ''
  parentSpanId: string | undefined = ''
  traceState = ''
  name = ''
  kind = 0
  readonly start = new NanoTime()
  readonly end = new NanoTime()
  statusCode = 0
  statusMessage = ''
  flags = 0
  events: readonly SpanEventRow[] = NO_EVENTS
  links: readonly SpanLinkRow[] = NO_LINKS
  /** The first limit an event or link broke. */
  violation: RecordRejectReason | undefined

  reset(): void {
    this.traceId = ''
    this.spanId = ''
    this.parentSpanId = ''
    this.traceState = ''
    this.name = ''
    this.kind = 0
    this.start.clear()
    this.end.clear()
    this.statusCode = 0
    this.statusMessage = ''
    this.flags = 0
    this.events = NO_EVENTS
    this.links = NO_LINKS
    this.violation = undefined
  }

  /** Adds an event whose attributes are in `attributes`. */
  addEvent(name: string, time: NanoTime, attributes: AttributeList, limits: RecordLimits): void {
    if (this.violation !== undefined) return
    if (attributes.violation !== undefined) this.violation = attributes.violation
    else if (this.events.length === limits.maxEventsPerSpan) this.violation = 'too_many_events'
    else {
      if (this.events === NO_EVENTS) this.events = []
      ;(this.events as SpanEventRow[]).push({
        name,
        timeMs: time.ms,
        timeNanos: time.nanos,
        attributes: attributes.take(),
      })
    }
  }

  /** Adds a link (ids as from trace-ids.ts: undefined = malformed) with attributes in `attributes`. */
  addLink(
    traceId: string | undefined,
    spanId: string | undefined,
    traceState: string,
    attributes: AttributeList,
    limits: RecordLimits,
  ): void {
    if (this.violation !== undefined) return
    if (traceId === undefined) this.violation = 'invalid_trace_id'
    else if (spanId === undefined) this.violation = 'invalid_span_id'
    else if (attributes.violation !== undefined) this.violation = attributes.violation
    else if (this.links.length === limits.maxLinksPerSpan) this.violation = 'too_many_links'
    else {
      if (this.links === NO_LINKS) this.links = []
      ;(this.links as SpanLinkRow[]).push({ traceId, spanId, traceState, attributes: attributes.take() })
    }
  }

  /**
   * Adds the span to the batch, or returns why it is rejected, checking in this order: its
   * resource, its ids (trace and span id required), its times (a start, and an end not before it),
   * its attributes, then its events and links. Unknown kinds and status codes become 0.
   */
  finish(state: RecordDecodeState<SpanBatchBuilder>): RecordRejectReason | undefined {
    if (state.resourceViolation !== undefined) return state.resourceViolation
    const { traceId, spanId, parentSpanId, start, end } = this
    if (traceId === undefined) return 'invalid_trace_id'
    if (traceId === '') return 'missing_trace_id'
    if (spanId === undefined || parentSpanId === undefined) return 'invalid_span_id'
    if (spanId === '') return 'missing_span_id'
    if ((start.ms === 0 && start.nanos === 0) || end.compare(start) < 0) return 'invalid_time'
    if (state.attributes.violation !== undefined) return state.attributes.violation
    if (this.violation !== undefined) return this.violation
    state.accepted++
    state.builder.add({
      resource: state.resource(),
      traceId,
      spanId,
      parentSpanId,
      traceState: this.traceState,
      name: this.name,
      kind: this.kind >= 0 && this.kind < spanKinds.length ? this.kind : 0,
      startMs: start.ms,
      startNanos: start.nanos,
      endMs: end.ms,
      endNanos: end.nanos,
      statusCode: this.statusCode >= 0 && this.statusCode < spanStatusCodes.length ? this.statusCode : 0,
      statusMessage: this.statusMessage,
      attributes: state.attributes.take(),
      events: this.events,
      links: this.links,
      flags: this.flags >>> 0,
    })
    return undefined
  }
}
