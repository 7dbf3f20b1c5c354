import {
  BIGINT,
  INTEGER,
  LIST,
  MAP,
  STRUCT,
  VARCHAR,
  listValue,
  mapValue,
  structValue,
} from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBMapValue, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import { spanDurationNanos, spanKinds, spanStatusCodes } from '../../core/batch/index.js'
import type { Attributes, LogBatch, ResourceEntry, SpanBatch } from '../../core/batch/index.js'
import { appendColumns } from '../duckdb/append-columns.js'

/**
 * Raw logs and spans into `logs` and `spans` (migration 2). The column types below must match
 * the migration's DDL, in order (store-database.test.ts compares them with the tables).
 */
const ATTRS = MAP(VARCHAR, VARCHAR)

export const LOG_COLUMN_TYPES: readonly DuckDBType[] = [
  VARCHAR, // tenant
  BIGINT, // time_ms
  INTEGER, // time_nanos
  BIGINT, // observed_time_ms
  VARCHAR, // service
  INTEGER, // severity_number
  VARCHAR, // severity_text
  VARCHAR, // body
  ATTRS, // attributes
  ATTRS, // resource
  VARCHAR, // scope
  VARCHAR, // trace_id
  VARCHAR, // span_id
  INTEGER, // flags
  BIGINT, // template_id (null until log template mining)
  INTEGER, // src_partition
  BIGINT, // src_offset
  INTEGER, // row_index
]

export const SPAN_COLUMN_TYPES: readonly DuckDBType[] = [
  VARCHAR, // tenant
  VARCHAR, // trace_id
  VARCHAR, // span_id
  VARCHAR, // parent_span_id
  VARCHAR, // trace_state
  VARCHAR, // service
  VARCHAR, // name
  VARCHAR, // kind
  BIGINT, // start_ms
  INTEGER, // start_nanos
  BIGINT, // end_ms
  INTEGER, // end_nanos
  BIGINT, // duration_ns
  VARCHAR, // status_code
  VARCHAR, // status_message
  ATTRS, // attributes
  ATTRS, // resource
  VARCHAR, // scope
  LIST(STRUCT({ name: VARCHAR, time_ms: BIGINT, time_nanos: INTEGER, attributes: ATTRS })), // events
  LIST(STRUCT({ trace_id: VARCHAR, span_id: VARCHAR, trace_state: VARCHAR, attributes: ATTRS })), // links
  INTEGER, // flags
  INTEGER, // src_partition
  BIGINT, // src_offset
  INTEGER, // row_index
]

/** Writes one log record's rows; inside the transaction that also stores the consumed offset. */
export async function writeLogBatch(
  c: DuckDBConnection,
  batch: LogBatch,
  partition: number,
  offset: number,
): Promise<number> {
  const n = batch.rows.length
  const resources = batch.resources.map(resourceValues)
  const cols: DuckDBValue[][] = LOG_COLUMN_TYPES.map(() => new Array<DuckDBValue>(n))
  const src = BigInt(offset)
  batch.rows.forEach((row, r) => {
    const res = resources[row.resource]
    const eventTime = row.timeMs !== 0 || row.timeNanos !== 0
    let k = 0
    cols[k++]![r] = batch.tenant
    cols[k++]![r] = BigInt(eventTime ? row.timeMs : row.observedTimeMs)
    cols[k++]![r] = eventTime ? row.timeNanos : row.observedTimeNanos
    cols[k++]![r] = BigInt(row.observedTimeMs)
    cols[k++]![r] = res?.service ?? ''
    cols[k++]![r] = row.severityNumber
    cols[k++]![r] = row.severityText
    cols[k++]![r] = row.body
    cols[k++]![r] = attributesValue(row.attributes)
    cols[k++]![r] = res?.attributes ?? EMPTY_MAP
    cols[k++]![r] = res?.scope ?? ''
    cols[k++]![r] = row.traceId
    cols[k++]![r] = row.spanId
    cols[k++]![r] = row.flags
    cols[k++]![r] = null
    cols[k++]![r] = partition
    cols[k++]![r] = src
    cols[k++]![r] = r
  })
  await appendColumns(c, 'logs', LOG_COLUMN_TYPES, cols, n)
  return n
}

/** Writes one span record's rows; inside the transaction that also stores the consumed offset. */
export async function writeSpanBatch(
  c: DuckDBConnection,
  batch: SpanBatch,
  partition: number,
  offset: number,
): Promise<number> {
  const n = batch.rows.length
  const resources = batch.resources.map(resourceValues)
  const cols: DuckDBValue[][] = SPAN_COLUMN_TYPES.map(() => new Array<DuckDBValue>(n))
  const src = BigInt(offset)
  batch.rows.forEach((row, r) => {
    const res = resources[row.resource]
    let k = 0
    cols[k++]![r] = batch.tenant
    cols[k++]![r] = row.traceId
    cols[k++]![r] = row.spanId
    cols[k++]![r] = row.parentSpanId
    cols[k++]![r] = row.traceState
    cols[k++]![r] = res?.service ?? ''
    cols[k++]![r] = row.name
    cols[k++]![r] = spanKinds[row.kind] ?? 'unspecified'
    cols[k++]![r] = BigInt(row.startMs)
    cols[k++]![r] = row.startNanos
    cols[k++]![r] = BigInt(row.endMs)
    cols[k++]![r] = row.endNanos
    cols[k++]![r] = BigInt(spanDurationNanos(row))
    cols[k++]![r] = spanStatusCodes[row.statusCode] ?? 'unset'
    cols[k++]![r] = row.statusMessage
    cols[k++]![r] = attributesValue(row.attributes)
    cols[k++]![r] = res?.attributes ?? EMPTY_MAP
    cols[k++]![r] = res?.scope ?? ''
    cols[k++]![r] = listValue(
      row.events.map((e) =>
        structValue({
          name: e.name,
          time_ms: BigInt(e.timeMs),
          time_nanos: e.timeNanos,
          attributes: attributesValue(e.attributes),
        }),
      ),
    )
    cols[k++]![r] = listValue(
      row.links.map((l) =>
        structValue({
          trace_id: l.traceId,
          span_id: l.spanId,
          trace_state: l.traceState,
          attributes: attributesValue(l.attributes),
        }),
      ),
    )
    cols[k++]![r] = row.flags
    cols[k++]![r] = partition
    cols[k++]![r] = src
    cols[k++]![r] = r
  })
  await appendColumns(c, 'spans', SPAN_COLUMN_TYPES, cols, n)
  return n
}

const EMPTY_MAP = mapValue([])

function attributesValue(a: Attributes): DuckDBMapValue {
  if (a.length === 0) return EMPTY_MAP
  const entries = new Array<{ key: DuckDBValue; value: DuckDBValue }>(a.length / 2)
  for (let i = 0; i + 1 < a.length; i += 2) entries[i / 2] = { key: a[i]!, value: a[i + 1]! }
  return mapValue(entries)
}

/** A resource's values, built once per batch and shared by its rows. */
function resourceValues(r: ResourceEntry): { service: string; attributes: DuckDBMapValue; scope: string } {
  const scope = r.scopeVersion === '' ? r.scope : `${r.scope}@${r.scopeVersion}`
  return { service: r.service, attributes: attributesValue(r.attributes), scope }
}
