import type { DuckDBValue } from '@duckdb/node-api'
import { bigintOf, listItems, mapObject, numberOf, stringOf, structFields } from '../sql/duckdb-values.js'
import { rfc3339Nano, unixNano } from '../sql/time-format.js'

/** A span event: times as in SpanNode. */
export interface SpanEvent {
  readonly name: string
  readonly time: string
  readonly timeUnixNano: string
  readonly attributes: Record<string, string>
}

export interface SpanLink {
  readonly traceId: string
  readonly spanId: string
  readonly traceState: string
  readonly attributes: Record<string, string>
}

/** One span of a trace tree (JSON-ready: no bigints), with its children sorted by start time. */
export interface SpanNode {
  readonly spanId: string
  /** null for a root span (no parent). */
  readonly parentSpanId: string | null
  readonly traceState: string
  readonly name: string
  readonly service: string
  /** `unspecified`, `internal`, `server`, `client`, `producer` or `consumer`. */
  readonly kind: string
  /** RFC 3339 with nanoseconds, and the same instant in unix nanoseconds (a decimal string). */
  readonly startTime: string
  readonly startTimeUnixNano: string
  readonly endTime: string
  readonly endTimeUnixNano: string
  readonly durationNs: number
  /** `unset`, `ok` or `error`. */
  readonly statusCode: string
  readonly statusMessage: string
  readonly attributes: Record<string, string>
  readonly resource: Record<string, string>
  /** Instrumentation scope, `name@version` ('' when absent). */
  readonly scope: string
  readonly events: SpanEvent[]
  readonly links: SpanLink[]
  /** True when the span has a parent id but that parent is not in the tree (not stored, or cut off). */
  orphan: boolean
  readonly children: SpanNode[]
}

export const SPAN_COLUMNS = [
  'span_id',
  'parent_span_id',
  'trace_state',
  'name',
  'service',
  'kind',
  'start_ms',
  'start_nanos',
  'end_ms',
  'end_nanos',
  'duration_ns',
  'status_code',
  'status_message',
  'attributes',
  'resource',
  'scope',
  'events',
  'links',
] as const

/** A `spans` row (selected by SPAN_COLUMNS, by name) as a SpanNode without children. */
export function spanNodeOf(row: Record<string, DuckDBValue>): SpanNode {
  const parent = stringOf(row.parent_span_id)
  const startMs = bigintOf(row.start_ms)
  const endMs = bigintOf(row.end_ms)
  return {
    spanId: stringOf(row.span_id),
    parentSpanId: parent === '' ? null : parent,
    traceState: stringOf(row.trace_state),
    name: stringOf(row.name),
    service: stringOf(row.service),
    kind: stringOf(row.kind),
    startTime: rfc3339Nano(startMs, numberOf(row.start_nanos)),
    startTimeUnixNano: unixNano(startMs, numberOf(row.start_nanos)),
    endTime: rfc3339Nano(endMs, numberOf(row.end_nanos)),
    endTimeUnixNano: unixNano(endMs, numberOf(row.end_nanos)),
    durationNs: numberOf(row.duration_ns),
    statusCode: stringOf(row.status_code),
    statusMessage: stringOf(row.status_message),
    attributes: mapObject(row.attributes ?? null),
    resource: mapObject(row.resource ?? null),
    scope: stringOf(row.scope),
    events: listItems(row.events ?? null).map(eventOf),
    links: listItems(row.links ?? null).map(linkOf),
    orphan: false,
    children: [],
  }
}

function eventOf(v: DuckDBValue): SpanEvent {
  const e = structFields(v)
  const ms = bigintOf(e.time_ms)
  const nanos = numberOf(e.time_nanos)
  return {
    name: stringOf(e.name),
    time: rfc3339Nano(ms, nanos),
    timeUnixNano: unixNano(ms, nanos),
    attributes: mapObject(e.attributes ?? null),
  }
}

function linkOf(v: DuckDBValue): SpanLink {
  const l = structFields(v)
  return {
    traceId: stringOf(l.trace_id),
    spanId: stringOf(l.span_id),
    traceState: stringOf(l.trace_state),
    attributes: mapObject(l.attributes ?? null),
  }
}
