import { spanKinds, spanStatusCodes } from '../../core/batch/index.js'
import type { SpanEventRow, SpanLinkRow } from '../../core/batch/index.js'
import type { AttributeList } from './attribute-list.js'
import type { NanoTime } from './nano-time.js'
import type { RecordDecodeState, ResourceInterner } from './record-decode-state.js'
import type { RecordLimits, RecordRejectReason } from './record-limits.js'

const NO_EVENTS: readonly SpanEventRow[] = Object.freeze([])
const NO_LINKS: readonly SpanLinkRow[] = Object.freeze([])

/**
 * The events and links of the span being read, and the first limit they broke; shared by the
 * protobuf and JSON span readers so both apply one set of rules. Spans without events or links
 * share one frozen empty array.
 */
export class SpanParts {
  events: readonly SpanEventRow[] = NO_EVENTS
  links: readonly SpanLinkRow[] = NO_LINKS
  violation: RecordRejectReason | undefined

  reset(): void {
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
}

/** Span.SpanKind as kept: an index into `spanKinds`, unknown values 0 = unspecified. */
export function spanKind(n: number): number {
  return n >= 0 && n < spanKinds.length ? n : 0
}

/** Status.StatusCode as kept: an index into `spanStatusCodes`, unknown values 0 = unset. */
export function statusCode(n: number): number {
  return n >= 0 && n < spanStatusCodes.length ? n : 0
}

/**
 * Why the span just read is rejected, if it is, in one order for both encodings: its resource,
 * its ids (trace and span id required; undefined = malformed), its times (a start, and an end
 * not before it), its attributes, then its events and links.
 */
export function spanProblem(
  state: RecordDecodeState<ResourceInterner>,
  traceId: string | undefined,
  spanId: string | undefined,
  parentSpanId: string | undefined,
  start: NanoTime,
  end: NanoTime,
  parts: SpanParts,
): RecordRejectReason | undefined {
  if (state.resourceViolation !== undefined) return state.resourceViolation
  if (traceId === undefined) return 'invalid_trace_id'
  if (traceId === '') return 'missing_trace_id'
  if (spanId === undefined || parentSpanId === undefined) return 'invalid_span_id'
  if (spanId === '') return 'missing_span_id'
  if ((start.ms === 0 && start.nanos === 0) || end.compare(start) < 0) return 'invalid_time'
  if (state.attributes.violation !== undefined) return state.attributes.violation
  return parts.violation
}
