import type { DuckDBValue } from '@duckdb/node-api'
import { bigintOf, mapObject, numberOf, stringOf } from '../sql/duckdb-values.js'
import { rfc3339Nano, unixNano } from '../sql/time-format.js'
import type { LogCursor, LogDirection } from './log-cursor.js'

/** One log record as the API returns it (JSON-ready: no bigints). */
export interface LogEntry {
  /** Event time (the observed time when the record had none), RFC 3339 with nanoseconds. */
  readonly time: string
  /** The same instant in unix nanoseconds, as a decimal string. */
  readonly timeUnixNano: string
  /** When the record was first seen (millisecond precision), RFC 3339. */
  readonly observedTime: string
  readonly service: string
  /** OTLP SeverityNumber, 0 when unspecified. */
  readonly severityNumber: number
  readonly severityText: string
  readonly body: string
  readonly attributes: Record<string, string>
  readonly resource: Record<string, string>
  /** Instrumentation scope, `name@version` ('' when absent). */
  readonly scope: string
  /** Lowercase hex ids; null when the record has none. */
  readonly traceId: string | null
  readonly spanId: string | null
  /** The log template's id as a decimal string (int64); null until template mining assigned one. */
  readonly templateId: string | null
}

/** A row of `logPageSql` (by column name) as a LogEntry. */
export function logEntryOf(row: Record<string, DuckDBValue>): LogEntry {
  const traceId = stringOf(row.trace_id)
  const spanId = stringOf(row.span_id)
  const template = row.template_id
  return {
    time: rfc3339Nano(bigintOf(row.time_ms), numberOf(row.time_nanos)),
    timeUnixNano: unixNano(bigintOf(row.time_ms), numberOf(row.time_nanos)),
    observedTime: rfc3339Nano(bigintOf(row.observed_time_ms), 0),
    service: stringOf(row.service),
    severityNumber: numberOf(row.severity_number),
    severityText: stringOf(row.severity_text),
    body: stringOf(row.body),
    attributes: mapObject(row.attributes ?? null),
    resource: mapObject(row.resource ?? null),
    scope: stringOf(row.scope),
    traceId: traceId === '' ? null : traceId,
    spanId: spanId === '' ? null : spanId,
    templateId: template === null || template === undefined ? null : String(template),
  }
}

/** The cursor that continues after `row`. */
export function cursorAfter(row: Record<string, DuckDBValue>, direction: LogDirection): LogCursor {
  return {
    direction,
    timeMs: bigintOf(row.time_ms),
    timeNanos: numberOf(row.time_nanos),
    partition: numberOf(row.src_partition),
    offset: bigintOf(row.src_offset),
    rowIndex: numberOf(row.row_index),
  }
}
