import { SpanBatchBuilder } from '../../core/batch/index.js'
import type { SpanBatch } from '../../core/batch/index.js'
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../protobuf/proto-reader.js'
import { readKeyValue } from './any-value-proto.js'
import { NanoTime, readNanoTime } from './nano-time.js'
import { walkOtlpProto } from './otlp-proto-walk.js'
import { within } from './proto-within.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'
import { RecordProtoContext } from './record-proto-context.js'
import type { RecordDecodeResult } from './record-result.js'
import { SpanScratch } from './span-scratch.js'
import { SPAN_ID_BYTES, TRACE_ID_BYTES, readId } from './trace-ids.js'

export type TracesDecodeResult = RecordDecodeResult<SpanBatch>

/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf, opentelemetry-proto collector/trace/v1
 * and trace/v1) into a SpanBatch: one resource entry per resource + scope, one row per Span with
 * its events and links. Never throws: an unreadable request is `{ ok: false, reason }` naming the
 * message and byte where it broke; a span without a valid trace or span id, with an end before
 * its start, or over a limit is rejected on its own (its bytes kept in `rejects`) and the rest is
 * accepted. See README.md for the mapping.
 *
 * The batch and rejects do not reference `bytes`, so the caller may reuse the buffer.
 *
 * ```ts
 * const res = decodeOtlpTracesProto(body, 'acme')
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(encodeSpanBatch(res.batch)) // then a partial success if res.rejected > 0
 * ```
 */
export function decodeOtlpTracesProto(
  bytes: Uint8Array,
  tenant: string,
  limits?: Partial<RecordLimits>,
): TracesDecodeResult {
  const ctx = new RecordProtoContext(
    bytes,
    new SpanBatchBuilder(tenant),
    resolveRecordLimits(limits),
    TRACES_MESSAGES,
    readSpan,
  )
  const failure = walkOtlpProto(ctx)
  if (failure !== undefined) return { ok: false, reason: failure }
  return ctx.tally.result(ctx.builder.build(), ctx.accepted)
}

const TRACES_MESSAGES = {
  request: 'ExportTraceServiceRequest',
  resource: 'ResourceSpans',
  scope: 'ScopeSpans',
  record: 'Span',
} as const

type Context = RecordProtoContext<SpanBatchBuilder>

const TRACE_ID_T = (1 << 3) | WIRE_LEN
const SPAN_ID_T = (2 << 3) | WIRE_LEN
const TRACE_STATE_T = (3 << 3) | WIRE_LEN
const PARENT_SPAN_ID_T = (4 << 3) | WIRE_LEN
const NAME_T = (5 << 3) | WIRE_LEN
const KIND_T = (6 << 3) | WIRE_VARINT
const START_T = (7 << 3) | WIRE_I64
const END_T = (8 << 3) | WIRE_I64
const ATTRIBUTES_T = (9 << 3) | WIRE_LEN
const EVENTS_T = (11 << 3) | WIRE_LEN
const LINKS_T = (13 << 3) | WIRE_LEN
const STATUS_T = (15 << 3) | WIRE_LEN
const FLAGS_T = (16 << 3) | WIRE_I32
/** Span.Event: time_unix_nano = 1, name = 2, attributes = 3. */
const EVENT_TIME_T = (1 << 3) | WIRE_I64
const EVENT_NAME_T = (2 << 3) | WIRE_LEN
const EVENT_ATTRIBUTES_T = (3 << 3) | WIRE_LEN
/** Span.Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4 (flags = 6 not kept). */
const LINK_TRACE_ID_T = (1 << 3) | WIRE_LEN
const LINK_SPAN_ID_T = (2 << 3) | WIRE_LEN
const LINK_TRACE_STATE_T = (3 << 3) | WIRE_LEN
const LINK_ATTRIBUTES_T = (4 << 3) | WIRE_LEN
/** Status: message = 2, code = 3. */
const STATUS_MESSAGE_T = (2 << 3) | WIRE_LEN
const STATUS_CODE_T = (3 << 3) | WIRE_VARINT

/** Scratch for the span being read and its current event (decoding is synchronous). */
const span = new SpanScratch()
const eventTime = new NanoTime()

function readSpan(ctx: Context): void {
  const r = ctx.r
  const begin = r.pos
  span.reset()
  ctx.attributes.reset()
  while (r.more) {
    const tag = r.tag()
    switch (tag) {
      case TRACE_ID_T:
        span.traceId = readId(r, TRACE_ID_BYTES)
        break
      case SPAN_ID_T:
        span.spanId = readId(r, SPAN_ID_BYTES)
        break
      case PARENT_SPAN_ID_T:
        span.parentSpanId = readId(r, SPAN_ID_BYTES)
        break
      case TRACE_STATE_T:
        span.traceState = r.string()
        break
      case NAME_T:
        span.name = r.string()
        break
      case KIND_T:
        span.kind = r.uint32()
        break
      case START_T:
        readNanoTime(r, span.start)
        break
      case END_T:
        readNanoTime(r, span.end)
        break
      case ATTRIBUTES_T:
        within(ctx, 'KeyValue', readAttribute)
        break
      case EVENTS_T:
        within(ctx, 'Span.Event', readEvent)
        break
      case LINKS_T:
        within(ctx, 'Span.Link', readLink)
        break
      case STATUS_T:
        within(ctx, 'Status', readStatus)
        break
      case FLAGS_T:
        span.flags = r.fixed32()
        break
      default:
        r.skip(tag)
    }
  }
  if (r.error !== undefined) return
  const reason = span.finish(ctx)
  if (reason !== undefined) ctx.reject(reason, begin, r.end)
}

function readAttribute(ctx: Context): void {
  readKeyValue(ctx.r, ctx.attributes.add)
}

function readInnerAttribute(ctx: Context): void {
  readKeyValue(ctx.r, ctx.inner.add)
}

function readEvent(ctx: Context): void {
  const r = ctx.r
  let name = ''
  eventTime.clear()
  ctx.inner.reset()
  while (r.more) {
    const tag = r.tag()
    if (tag === EVENT_TIME_T) readNanoTime(r, eventTime)
    else if (tag === EVENT_NAME_T) name = r.string()
    else if (tag === EVENT_ATTRIBUTES_T) within(ctx, 'KeyValue', readInnerAttribute)
    else r.skip(tag)
  }
  if (r.error === undefined) span.addEvent(name, eventTime, ctx.inner, ctx.limits)
}

function readLink(ctx: Context): void {
  const r = ctx.r
  let traceId: string | undefined = ''
  let spanId: string | undefined = ''
  let traceState = ''
  ctx.inner.reset()
  while (r.more) {
    const tag = r.tag()
    if (tag === LINK_TRACE_ID_T) traceId = readId(r, TRACE_ID_BYTES)
    else if (tag === LINK_SPAN_ID_T) spanId = readId(r, SPAN_ID_BYTES)
    else if (tag === LINK_TRACE_STATE_T) traceState = r.string()
    else if (tag === LINK_ATTRIBUTES_T) within(ctx, 'KeyValue', readInnerAttribute)
    else r.skip(tag)
  }
  if (r.error === undefined) span.addLink(traceId, spanId, traceState, ctx.inner, ctx.limits)
}

function readStatus(ctx: Context): void {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === STATUS_MESSAGE_T) span.statusMessage = r.string()
    else if (tag === STATUS_CODE_T) span.statusCode = r.uint32()
    else r.skip(tag)
  }
}
