import { WIRE_LEN } from '../protobuf/proto-reader.js'
import { readKeyValue } from './any-value-proto.js'
import { within } from './proto-within.js'
import type { ResourceInterner } from './record-decode-state.js'
import type { RecordProtoContext } from './record-proto-context.js'

/**
 * Walks an OTLP logs or traces export request down to its records, which share one shape:
 * request{1: Resource*} → Resource*{1: Resource, 2: Scope*} → Scope*{1: InstrumentationScope,
 * 2: record} (logs.proto: ResourceLogs, ScopeLogs, LogRecord; trace.proto: ResourceSpans,
 * ScopeSpans, Span). For each record it calls `ctx.readRecord` with `r` narrowed to the record,
 * after the resource and scope are known (both may follow their records on the wire). Returns the
 * failure reason when the request is unreadable.
 */
export function walkOtlpProto<B extends ResourceInterner>(ctx: RecordProtoContext<B>): string | undefined {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === FIELD1_LEN) within(ctx, ctx.messages.resource, readResourceGroup)
    else r.skip(tag)
  }
  if (r.error === undefined) return undefined
  return `malformed ${ctx.errorAt ?? ctx.messages.request}: ${r.error}`
}

/** Field 1 (resource, scope) and 2 (scope group, record) have the same tags at every level. */
const FIELD1_LEN = (1 << 3) | WIRE_LEN
const FIELD2_LEN = (2 << 3) | WIRE_LEN
/** Resource.attributes; InstrumentationScope.name and .version (its attributes are not kept). */
const RESOURCE_ATTRIBUTES_T = (1 << 3) | WIRE_LEN
const SCOPE_NAME_T = (1 << 3) | WIRE_LEN
const SCOPE_VERSION_T = (2 << 3) | WIRE_LEN

function readResourceGroup<B extends ResourceInterner>(ctx: RecordProtoContext<B>): void {
  const r = ctx.r
  const start = r.pos
  ctx.inner.reset()
  while (r.more) {
    const tag = r.tag()
    if (tag === FIELD1_LEN) within(ctx, 'Resource', readResource)
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  ctx.endResource()
  r.pos = start
  while (r.more) {
    const tag = r.tag()
    if (tag === FIELD2_LEN) within(ctx, ctx.messages.scope, readScopeGroup)
    else r.skip(tag)
  }
}

function readResource<B extends ResourceInterner>(ctx: RecordProtoContext<B>): void {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === RESOURCE_ATTRIBUTES_T) within(ctx, 'KeyValue', readResourceAttribute)
    else r.skip(tag)
  }
}

function readResourceAttribute<B extends ResourceInterner>(ctx: RecordProtoContext<B>): void {
  readKeyValue(ctx.r, ctx.inner.add)
}

function readScopeGroup<B extends ResourceInterner>(ctx: RecordProtoContext<B>): void {
  const r = ctx.r
  const start = r.pos
  ctx.beginScope()
  while (r.more) {
    const tag = r.tag()
    if (tag === FIELD1_LEN) within(ctx, 'InstrumentationScope', readScope)
    else r.skip(tag)
  }
  if (r.error !== undefined) return
  r.pos = start
  while (r.more) {
    const tag = r.tag()
    if (tag === FIELD2_LEN) within(ctx, ctx.messages.record, ctx.readRecord)
    else r.skip(tag)
  }
}

function readScope<B extends ResourceInterner>(ctx: RecordProtoContext<B>): void {
  const r = ctx.r
  while (r.more) {
    const tag = r.tag()
    if (tag === SCOPE_NAME_T) ctx.scope = r.string()
    else if (tag === SCOPE_VERSION_T) ctx.scopeVersion = r.string()
    else r.skip(tag)
  }
}
