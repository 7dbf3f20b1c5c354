import type { DuckDBConnection } from '@duckdb/node-api'
import { bigintOf, listItems, numberOf, stringOf, structFields } from '../sql/duckdb-values.js'
import { SqlParams } from '../sql/sql-params.js'
import { nanosBetween, rfc3339Nano, unixNano } from '../sql/time-format.js'
import { parseTraceId } from '../sql/trace-id.js'
import { withTimeout } from '../sql/with-timeout.js'
import { SPAN_COLUMNS, spanNodeOf } from './span-node.js'
import type { SpanNode } from './span-node.js'
import { buildSpanTree } from './span-tree.js'

export const TRACE_MAX_SPANS_DEFAULT = 10_000
const TIMEOUT_HINT = 'the trace has too many spans to read in time; ask with a lower span limit'

/** A whole trace as trees of spans. */
export interface TraceTree {
  readonly traceId: string
  /** Spans of the trace in the store (all of them, also when `truncated`). */
  readonly spanCount: number
  /** The earliest span start, RFC 3339 with nanoseconds, and in unix nanoseconds. */
  readonly startTime: string
  readonly startTimeUnixNano: string
  /** From the earliest span start to the latest span end. */
  readonly durationNs: number
  /** Distinct services of the trace's spans, sorted. */
  readonly services: string[]
  /** Spans without a parent, and orphans (`orphan: true`), by start time. */
  readonly roots: SpanNode[]
  /** True when the trace has more than `maxSpans` spans: `roots` holds the first ones by start time. */
  readonly truncated: boolean
}

/**
 * The trace `traceId` (32 hex characters, any case; else QueryParamError) of `tenant` as a tree, or
 * undefined when the tenant has no span of it. At most `opts.maxSpans` spans (default 10,000) are
 * returned, the earliest by start time. Rejects with QueryTimeoutError past `opts.timeoutMs`.
 */
export async function getTrace(
  c: DuckDBConnection,
  tenant: string,
  traceId: string,
  opts: { readonly timeoutMs: number; readonly maxSpans?: number },
): Promise<TraceTree | undefined> {
  const id = parseTraceId(traceId, 'traceId')
  const maxSpans = opts.maxSpans ?? TRACE_MAX_SPANS_DEFAULT
  if (!Number.isInteger(maxSpans) || maxSpans < 1) throw new RangeError(`getTrace: maxSpans ${maxSpans}`)
  const p = new SqlParams()
  const where = `tenant = ${p.add(tenant)} AND trace_id = ${p.add(id)}`
  const summarySql = `SELECT count(*) AS n,
      min({'ms': start_ms, 'ns': start_nanos}) AS first_start,
      max({'ms': end_ms, 'ns': end_nanos}) AS last_end,
      list_sort(list_distinct(list(service))) AS services
    FROM spans WHERE ${where}`
  const spansSql = `SELECT ${SPAN_COLUMNS.join(', ')} FROM spans WHERE ${where}
    ORDER BY start_ms, start_nanos, src_partition, src_offset, row_index
    LIMIT ${p.add(maxSpans)}`
  const { summary, rows } = await withTimeout(
    c,
    opts.timeoutMs,
    async (read) => {
      const summary = (await read(summarySql, p.values.slice(0, 2), p.types.slice(0, 2))).getRowObjects()[0]
      if (summary === undefined || numberOf(summary.n) === 0) return { summary: undefined, rows: [] }
      return { summary, rows: (await read(spansSql, p.values, p.types)).getRowObjects() }
    },
    TIMEOUT_HINT,
  )
  if (summary === undefined) return undefined
  const first = structFields(summary.first_start ?? null)
  const last = structFields(summary.last_end ?? null)
  const startMs = bigintOf(first.ms)
  const startNanos = numberOf(first.ns)
  const spanCount = numberOf(summary.n)
  return {
    traceId: id,
    spanCount,
    startTime: rfc3339Nano(startMs, startNanos),
    startTimeUnixNano: unixNano(startMs, startNanos),
    durationNs: nanosBetween(startMs, startNanos, bigintOf(last.ms), numberOf(last.ns)),
    services: listItems(summary.services ?? null).map(stringOf),
    roots: buildSpanTree(rows.map(spanNodeOf)),
    truncated: spanCount > rows.length,
  }
}
