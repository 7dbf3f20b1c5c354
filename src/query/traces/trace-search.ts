import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api'
import { bigintOf, listItems, numberOf, stringOf, structFields } from '../sql/duckdb-values.js'
import { parseDuration } from '../sql/duration-param.js'
import { QueryParamError } from '../sql/query-error.js'
import { SqlParams } from '../sql/sql-params.js'
import { nanosBetween, rfc3339Nano, splitNanos, unixNano } from '../sql/time-format.js'
import { parseTimeRange } from '../sql/time-param.js'
import { parseLimit, repeatedParam, singleParam } from '../sql/url-params.js'
import { withTimeout } from '../sql/with-timeout.js'

export const TRACE_SEARCH_LIMIT_DEFAULT = 20
export const TRACE_SEARCH_LIMIT_MAX = 1000
export const spanStatuses = ['ok', 'error', 'unset'] as const
export type SpanStatus = (typeof spanStatuses)[number]
const DEFAULT_LOOKBACK_MS = 3_600_000
const TIMEOUT_HINT =
  'narrow the search: a shorter time range (start/end), a service, an operation, a duration bound, or a smaller limit'

/** A parsed trace search: a trace matches when one of its spans meets every condition. */
export interface TraceSearch {
  /** The matching span's start must lie in this range (epoch nanoseconds, both ends inclusive). */
  readonly startNs: bigint
  readonly endNs: bigint
  /** The span's service is one of these (none: any). */
  readonly services: readonly string[]
  /** The span's name is one of these (none: any). */
  readonly operations: readonly string[]
  /** Bounds of the span's duration, inclusive. */
  readonly minDurationNs?: bigint
  readonly maxDurationNs?: bigint
  readonly status?: SpanStatus
  readonly limit: number
}

/** One trace found by `searchTraces` (JSON-ready). */
export interface TraceSummary {
  readonly traceId: string
  /**
   * Service and name of the root span: the earliest span without a parent; when the trace has none
   * stored, the earliest span whose parent is missing (an orphan root, as in getTrace).
   */
  readonly rootService: string
  readonly rootName: string
  /** The earliest span start, RFC 3339 with nanoseconds, and in unix nanoseconds. */
  readonly startTime: string
  readonly startTimeUnixNano: string
  /** From the earliest span start to the latest span end. */
  readonly durationNs: number
  readonly spanCount: number
  /** Spans with status `error`. */
  readonly errorCount: number
  /** Distinct services, sorted. */
  readonly services: string[]
}

/**
 * Parses the trace search parameters: `start`, `end` (unix seconds or RFC 3339; default the hour up
 * to `nowMs`), `service`* and `operation`* (OR within each), `minDuration`, `maxDuration` (Go
 * durations: `250ms`, `1.5s`, `1h30m`), `status` (`ok`, `error`, `unset`), `limit` (default 20,
 * max 1000). Throws QueryParamError naming the parameter.
 */
export function parseTraceSearch(params: URLSearchParams, nowMs: number): TraceSearch {
  const { startNs, endNs } = parseTimeRange(params, nowMs, DEFAULT_LOOKBACK_MS)
  const min = singleParam(params, 'minDuration')
  const max = singleParam(params, 'maxDuration')
  const minDurationNs = min === undefined ? undefined : parseDuration(min, 'minDuration')
  const maxDurationNs = max === undefined ? undefined : parseDuration(max, 'maxDuration')
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new QueryParamError('minDuration', `${min} is above maxDuration (${max})`)
  }
  const status = singleParam(params, 'status')
  return {
    startNs,
    endNs,
    services: repeatedParam(params, 'service'),
    operations: repeatedParam(params, 'operation'),
    ...(minDurationNs === undefined ? {} : { minDurationNs }),
    ...(maxDurationNs === undefined ? {} : { maxDurationNs }),
    ...(status === undefined ? {} : { status: parseStatus(status) }),
    limit: parseLimit(params, 'limit', TRACE_SEARCH_LIMIT_DEFAULT, TRACE_SEARCH_LIMIT_MAX),
  }
}

/**
 * The traces of `tenant` matching `q`, newest (latest start) first, at most `q.limit`; each
 * summarized over all its stored spans. Rejects with QueryTimeoutError past `opts.timeoutMs`.
 */
export async function searchTraces(
  c: DuckDBConnection,
  tenant: string,
  q: TraceSearch,
  opts: { readonly timeoutMs: number },
): Promise<TraceSummary[]> {
  const p = new SqlParams()
  const t = p.add(tenant)
  const start = splitNanos(q.startNs)
  const end = splitNanos(q.endNs)
  const sMs = p.add(start.ms)
  const eMs = p.add(end.ms)
  const match = [
    `tenant = ${t}`,
    `start_ms >= ${sMs} AND (start_ms > ${sMs} OR start_nanos >= ${p.add(start.nanos)})`,
    `start_ms <= ${eMs} AND (start_ms < ${eMs} OR start_nanos <= ${p.add(end.nanos)})`,
  ]
  if (q.services.length > 0) match.push(`service IN (${p.list(q.services)})`)
  if (q.operations.length > 0) match.push(`name IN (${p.list(q.operations)})`)
  if (q.minDurationNs !== undefined) match.push(`duration_ns >= ${p.add(q.minDurationNs)}`)
  if (q.maxDurationNs !== undefined) match.push(`duration_ns <= ${p.add(q.maxDurationNs)}`)
  if (q.status !== undefined) match.push(`status_code = ${p.add(q.status)}`)
  // The root: the earliest span without a parent, else the earliest whose parent is not stored
  // (an orphan root of getTrace), else (only parent cycles left) the earliest span.
  const rootKey = `{'rank': root_rank, 'ms': start_ms, 'ns': start_nanos, 'id': span_id}`
  const sql = `WITH matched AS (
      SELECT DISTINCT trace_id FROM spans WHERE ${match.map((m) => `(${m})`).join(' AND ')}
    ),
    trace_spans AS (
      SELECT trace_id, span_id, parent_span_id, service, name, start_ms, start_nanos, end_ms, end_nanos, status_code
      FROM spans WHERE tenant = ${t} AND trace_id IN (SELECT trace_id FROM matched)
    ),
    ranked AS (
      SELECT s.*, CASE WHEN s.parent_span_id = '' THEN 0 WHEN p.span_id IS NULL THEN 1 ELSE 2 END AS root_rank
      FROM trace_spans s
      LEFT JOIN (SELECT DISTINCT trace_id, span_id FROM trace_spans) p
        ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
    )
    SELECT trace_id,
      min({'ms': start_ms, 'ns': start_nanos}) AS first_start,
      max({'ms': end_ms, 'ns': end_nanos}) AS last_end,
      count(*) AS span_count,
      count(*) FILTER (WHERE status_code = 'error') AS error_count,
      list_sort(list_distinct(list(service))) AS services,
      arg_min(service, ${rootKey}) AS root_service,
      arg_min(name, ${rootKey}) AS root_name
    FROM ranked
    GROUP BY trace_id
    ORDER BY first_start DESC, trace_id
    LIMIT ${p.add(q.limit)}`
  const rows = await withTimeout(
    c,
    opts.timeoutMs,
    async (read) => (await read(sql, p.values, p.types)).getRowObjects(),
    TIMEOUT_HINT,
  )
  return rows.map(summaryOf)
}

function summaryOf(row: Record<string, DuckDBValue>): TraceSummary {
  const first = structFields(row.first_start ?? null)
  const last = structFields(row.last_end ?? null)
  const startMs = bigintOf(first.ms)
  const startNanos = numberOf(first.ns)
  return {
    traceId: stringOf(row.trace_id),
    rootService: stringOf(row.root_service),
    rootName: stringOf(row.root_name),
    startTime: rfc3339Nano(startMs, startNanos),
    startTimeUnixNano: unixNano(startMs, startNanos),
    durationNs: nanosBetween(startMs, startNanos, bigintOf(last.ms), numberOf(last.ns)),
    spanCount: numberOf(row.span_count),
    errorCount: numberOf(row.error_count),
    services: listItems(row.services ?? null).map(stringOf),
  }
}

function parseStatus(value: string): SpanStatus {
  const s = spanStatuses.find((x) => x === value.toLowerCase())
  if (s === undefined)
    throw new QueryParamError('status', `"${value}" is not one of ${spanStatuses.join(', ')}`)
  return s
}
