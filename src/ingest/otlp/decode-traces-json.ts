import { SpanBatchBuilder } from '../../core/batch/index.js'
import type { AttributeList } from './attribute-list.js'
import { forEachAttribute } from './any-value-json.js'
import type { TracesDecodeResult } from './decode-traces.js'
import { enumField } from './json-enum.js'
import { arrayField, asObject, intField, objectField, stringField } from './json-fields.js'
import type { JsonObject } from './json-fields.js'
import { NanoTime, readJsonNanoTime } from './nano-time.js'
import { RecordJsonContext, walkOtlpJson } from './otlp-json-walk.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'
import { SpanScratch } from './span-scratch.js'
import { SPAN_ID_BYTES, TRACE_ID_BYTES, idFromJson } from './trace-ids.js'

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (`application/json`: lowerCamelCase keys,
 * 64-bit integers as strings or numbers, enums as integers or names, ids as hex) into the same
 * SpanBatch the protobuf decoder makes from the same request, with the same rules and rejects
 * (README.md). Not the hot path: `JSON.parse`, then a walk into the builder. Never throws: bad
 * JSON or a field of the wrong type is `{ ok: false, reason }` naming the field's path. A rejected
 * span's payload is its JSON text.
 */
export function decodeOtlpTracesJson(
  body: Uint8Array | string,
  tenant: string,
  limits?: Partial<RecordLimits>,
): TracesDecodeResult {
  const ctx = new RecordJsonContext(new SpanBatchBuilder(tenant), resolveRecordLimits(limits))
  const failure = walkOtlpJson(body, ctx, TRACES_KEYS, readSpan)
  if (failure !== undefined) return { ok: false, reason: failure }
  return ctx.tally.result(ctx.builder.build(), ctx.accepted)
}

const TRACES_KEYS = { resource: 'resourceSpans', scope: 'scopeSpans', record: 'spans' } as const
const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map(
  (k) => `SPAN_KIND_${k}`,
)
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'].map((c) => `STATUS_CODE_${c}`)

const span = new SpanScratch()
const eventTime = new NanoTime()

function readSpan(ctx: RecordJsonContext<SpanBatchBuilder>, v: unknown, what: string): void {
  const o = asObject(v, what)
  span.reset()
  span.traceId = idFromJson(o, 'traceId', what, TRACE_ID_BYTES)
  span.spanId = idFromJson(o, 'spanId', what, SPAN_ID_BYTES)
  span.parentSpanId = idFromJson(o, 'parentSpanId', what, SPAN_ID_BYTES)
  span.traceState = stringField(o, 'traceState', what)
  span.name = stringField(o, 'name', what)
  span.kind = enumField(o, 'kind', what, KIND_NAMES)
  readJsonNanoTime(o, 'startTimeUnixNano', what, span.start)
  readJsonNanoTime(o, 'endTimeUnixNano', what, span.end)
  ctx.attributes.reset()
  forEachAttribute(arrayField(o, 'attributes', what), `${what}.attributes`, ctx.attributes.add)
  const events = arrayField(o, 'events', what)
  for (let i = 0; i < events.length; i++) readEvent(ctx, events[i], `${what}.events[${i}]`)
  const links = arrayField(o, 'links', what)
  for (let i = 0; i < links.length; i++) readLink(ctx, links[i], `${what}.links[${i}]`)
  const status = objectField(o, 'status', what) ?? NO_STATUS
  span.statusCode = enumField(status, 'code', `${what}.status`, STATUS_NAMES)
  span.statusMessage = stringField(status, 'message', `${what}.status`)
  span.flags = intField(o, 'flags', what)
  const reason = span.finish(ctx)
  if (reason !== undefined) ctx.reject(reason, v)
}

const NO_STATUS: JsonObject = {}

function innerAttributes(
  ctx: RecordJsonContext<SpanBatchBuilder>,
  o: JsonObject,
  what: string,
): AttributeList {
  ctx.inner.reset()
  forEachAttribute(arrayField(o, 'attributes', what), `${what}.attributes`, ctx.inner.add)
  return ctx.inner
}

function readEvent(ctx: RecordJsonContext<SpanBatchBuilder>, v: unknown, what: string): void {
  const event = asObject(v, what)
  readJsonNanoTime(event, 'timeUnixNano', what, eventTime)
  const name = stringField(event, 'name', what)
  span.addEvent(name, eventTime, innerAttributes(ctx, event, what), ctx.limits)
}

function readLink(ctx: RecordJsonContext<SpanBatchBuilder>, v: unknown, what: string): void {
  const link = asObject(v, what)
  const traceId = idFromJson(link, 'traceId', what, TRACE_ID_BYTES)
  const spanId = idFromJson(link, 'spanId', what, SPAN_ID_BYTES)
  const traceState = stringField(link, 'traceState', what)
  span.addLink(traceId, spanId, traceState, innerAttributes(ctx, link, what), ctx.limits)
}
