import { systemClock } from '../../src/core/index.js'
import { parseLogQuery, queryLogs } from '../../src/query/logs/index.js'
import { PromQueryService } from '../../src/query/promql/api/prom-query-service.js'
import type { PromQueryLimits } from '../../src/query/promql/api/prom-query-service.js'
import type { SeriesSource } from '../../src/query/promql/eval/value.js'
import type { StoreDatabase } from '../../src/store/duckdb/store-database.js'
import { SampleReader } from '../../src/store/series/sample-reader.js'
import type { SeriesIndex } from '../../src/store/series/series-index.js'
import { BENCH_TENANT } from './dataset.js'
import { HOUR_MS, PROM_QUERY } from './plan.js'

/** One PromQL range query through `PromQueryService.queryRange`, as the HTTP route runs it. */
export interface PromRun {
  readonly status: number
  /** The error message of a non-200 answer. */
  readonly error: string | undefined
  readonly ms: number
  /** Time inside `SeriesSource.select` (SQL + building the series' arrays); the rest is evaluation and JSON. */
  readonly readMs: number
  /** Samples and series the selectors returned (what `maxSamples` / `maxSeries` count). */
  readonly samples: number
  readonly series: number
  readonly resultSeries: number
  readonly points: number
}

/**
 * Runs `query_range` for `[endMs - rangeMs, endMs]` at `stepSeconds` on a fresh service whose
 * sessions open one DuckDB connection per query (as `vigil start` wires it) and whose series source
 * is the store's `SampleReader`, wrapped to time and count what it reads.
 */
export async function runPromQuery(
  db: StoreDatabase,
  index: SeriesIndex,
  limits: PromQueryLimits,
  o: { readonly endMs: number; readonly rangeMs: number; readonly stepSeconds: number },
): Promise<PromRun> {
  let readMs = 0
  let samples = 0
  let series = 0
  const service = new PromQueryService({
    clock: systemClock,
    catalog: index,
    limits,
    openSession: async (tenant) => {
      const c = await db.connect()
      const reader = new SampleReader(c, index, tenant)
      const source: SeriesSource = {
        select: async (matchers, minMs, maxMs) => {
          const t0 = performance.now()
          const out = await reader.select(matchers, minMs, maxMs)
          readMs += performance.now() - t0
          series += out.length
          for (const s of out) samples += s.ts.length
          return out
        },
      }
      return { source, interrupt: () => c.interrupt(), close: () => c.closeSync() }
    },
  })
  const params = new URLSearchParams({
    query: PROM_QUERY,
    start: String((o.endMs - o.rangeMs) / 1000),
    end: String(o.endMs / 1000),
    step: String(o.stepSeconds),
  })
  const t0 = performance.now()
  const answer = await service.queryRange(BENCH_TENANT, params)
  const ms = performance.now() - t0
  let resultSeries = 0
  let points = 0
  let error: string | undefined
  const body = JSON.parse(answer.body) as {
    data?: { result?: { values?: unknown[] }[] }
    errorType?: string
    error?: string
  }
  if (answer.status === 200) {
    for (const r of body.data?.result ?? []) {
      resultSeries++
      points += r.values?.length ?? 0
    }
  } else {
    error = `${answer.status} ${body.errorType ?? ''}: ${body.error ?? answer.body.slice(0, 200)}`
  }
  return { status: answer.status, error, ms, readMs, samples, series, resultSeries, points }
}

/** A logs query case: its parameters (besides start/end) over the last `rangeMs` of the logs. */
export interface LogCaseSpec {
  readonly id: string
  readonly label: string
  readonly params: Readonly<Record<string, string>>
  /** `undefined`: the whole span of the filled logs. */
  readonly rangeMs: number | undefined
}

export const LOG_LIMIT = 100

export const logCaseSpecs: readonly LogCaseSpec[] = [
  {
    id: 'query/logs/search/1h',
    label: 'contains=timeout, last hour',
    params: { contains: 'timeout' },
    rangeMs: HOUR_MS,
  },
  {
    id: 'query/logs/search/all',
    label: 'contains=timeout, whole range',
    params: { contains: 'timeout' },
    rangeMs: undefined,
  },
  {
    id: 'query/logs/search-rare/all',
    label: 'contains=session:42424 (a rare id), whole range',
    params: { contains: 'session:42424' },
    rangeMs: undefined,
  },
  {
    id: 'query/logs/filter/1h',
    label: 'service=checkout, severity>=warn, last hour',
    params: { service: 'checkout', severity: 'warn' },
    rangeMs: HOUR_MS,
  },
  {
    id: 'query/logs/filter/all',
    label: 'service=checkout, severity>=warn, whole range',
    params: { service: 'checkout', severity: 'warn' },
    rangeMs: undefined,
  },
]

export interface LogRun {
  readonly ms: number
  readonly returned: number
  readonly more: boolean
}

/**
 * One logs query as `GET /api/v1/logs` runs it (minus HTTP): `parseLogQuery`, a fresh connection,
 * `queryLogs` with `limit=100` (newest first), the connection closed.
 */
export async function runLogQuery(
  db: StoreDatabase,
  spec: LogCaseSpec,
  o: { readonly endMs: number; readonly spanMs: number; readonly timeoutMs: number },
): Promise<LogRun> {
  const params = new URLSearchParams({
    ...spec.params,
    start: String((o.endMs - (spec.rangeMs ?? o.spanMs)) / 1000),
    end: String(o.endMs / 1000),
    limit: String(LOG_LIMIT),
  })
  const t0 = performance.now()
  const q = parseLogQuery(params, o.endMs)
  const c = await db.connect()
  try {
    const page = await queryLogs(c, BENCH_TENANT, q, { timeoutMs: o.timeoutMs })
    return { ms: performance.now() - t0, returned: page.logs.length, more: page.nextCursor !== null }
  } finally {
    c.closeSync()
  }
}
