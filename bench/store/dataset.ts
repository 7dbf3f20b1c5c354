import { INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import { labelsKey, sortLabels } from '../../src/core/batch/labels.js'
import type { Labels } from '../../src/core/batch/index.js'
import { partitionOf } from '../../src/ingest/writer/partition-key.js'
import { appendColumns } from '../../src/store/duckdb/append-columns.js'
import type { StoreDatabase } from '../../src/store/duckdb/store-database.js'
import type { StoreBenchPlan } from './plan.js'

/**
 * The data the store suite queries, written straight into the store's tables in bulk (rows generated
 * in SQL from `range(…)`), so 60 M samples and 10 M log lines take a minute or two rather than the
 * much longer the sink would need. Times are in order, as ingest writes them: the fill goes chunk by
 * chunk, each chunk in time order, so DuckDB's per-row-group min/max of the time columns is as
 * selective as on a real store.
 */
export const BENCH_TENANT = 'bench'
export const METRIC = 'http_requests_total'

const JOB_NAMES = [
  'api-gateway',
  'checkout',
  'payments',
  'users',
  'inventory',
  'search',
  'auth',
  'notifications',
  'billing',
  'shipping',
]
const HANDLERS = 10
const COMBOS = HANDLERS * 2 * 2 // handler × method × status

export function jobName(j: number): string {
  return JOB_NAMES[j] ?? `job-${j}`
}

/** Series `s` belongs to job `s mod jobs`. */
export function jobOf(plan: StoreBenchPlan, s: number): number {
  return s % plan.jobs
}

/**
 * The label sets: `http_requests_total{handler, instance, job, method, status}` (6 labels with the
 * name), `jobs` jobs with the same number of instances each, 40 (handler, method, status)
 * combinations per instance. Index = series id in the store.
 */
export function seriesLabels(plan: StoreBenchPlan): Labels[] {
  const perJob = Math.ceil(plan.series / plan.jobs)
  const instances = Math.ceil(perJob / COMBOS)
  const out: Labels[] = []
  for (let s = 0; s < plan.series; s++) {
    const job = jobName(jobOf(plan, s))
    const q = Math.floor(s / plan.jobs)
    const combo = Math.floor(q / instances)
    out.push(
      sortLabels([
        '__name__',
        METRIC,
        'handler',
        `/api/v1/${['orders', 'users', 'items', 'cart', 'search', 'login', 'logout', 'payments', 'stock', 'health'][combo % HANDLERS]}`,
        'instance',
        `${job}-${q % instances}:8080`,
        'job',
        job,
        'method',
        Math.floor(combo / HANDLERS) % 2 === 0 ? 'GET' : 'POST',
        'status',
        Math.floor(combo / (2 * HANDLERS)) % 2 === 0 ? '200' : '500',
      ]),
    )
  }
  return out
}

/** The scrape time offset of series `s` within the interval (targets are scraped at fixed phases). */
export function phaseMs(plan: StoreBenchPlan, s: number): number {
  return (s * 7919) % plan.scrapeIntervalMs
}

/** Counter increase of series `s` per scrape (so the rates differ between series). */
export function increasePerScrape(s: number): number {
  return (s % 13) + 1
}

/** The ingest partition of job `j` (ingest partitions by hash(tenant, service), the job for metrics). */
export function jobPartition(plan: StoreBenchPlan, j: number): number {
  return partitionOf(BENCH_TENANT, jobName(j), plan.partitions)
}

/** Runs `count` SQL chunks on two connections at once (DuckDB uses both cores for the whole fill). */
async function fillChunks(
  db: StoreDatabase,
  count: number,
  sqlOf: (k: number) => string,
  onChunk: (done: number) => void,
): Promise<void> {
  const connections = [await db.connect(), await db.connect()]
  let next = 0
  let done = 0
  try {
    await Promise.all(
      connections.map(async (c) => {
        while (next < count) {
          const k = next++
          await c.run(sqlOf(k))
          onChunk(++done)
        }
      }),
    )
  } finally {
    for (const c of connections) c.closeSync()
  }
}

export interface FillResult {
  readonly rows: number
  readonly seconds: number
}

/**
 * `series` rows for every label set, and `fillHours` of samples: one per series per scrape interval
 * (at the series' phase), counter values growing by `increasePerScrape` per scrape, ending at
 * `plan.endMs`. One SQL chunk per hour.
 */
export async function fillSamples(
  db: StoreDatabase,
  plan: StoreBenchPlan,
  progress: (line: string) => void,
): Promise<FillResult> {
  const started = performance.now()
  const labels = seriesLabels(plan)
  await appendColumns(
    db.connection,
    'series',
    [VARCHAR, INTEGER, VARCHAR],
    [labels.map(() => BENCH_TENANT), labels.map((_, i) => i), labels.map(labelsKey)],
    labels.length,
  )
  const S = plan.series
  const step = plan.scrapeIntervalMs
  const perHour = Math.round(3_600_000 / step)
  const startMs = plan.endMs - plan.fillHours * 3_600_000
  const partitions = `[${Array.from({ length: plan.jobs }, (_, j) => jobPartition(plan, j)).join(', ')}]`
  await fillChunks(
    db,
    plan.fillHours,
    (h) => `INSERT INTO samples
      SELECT '${BENCH_TENANT}', CAST(i % ${S} AS INTEGER),
        ${startMs} + (i // ${S}) * ${step} + ((i % ${S}) * 7919) % ${step},
        CAST((i // ${S}) * ((i % ${S}) % 13 + 1) AS DOUBLE),
        CAST(${partitions}[(i % ${S}) % ${plan.jobs} + 1] AS INTEGER), i // ${S}
      FROM range(${h * perHour * S}, ${(h + 1) * perHour * S}) r(i)`,
    (done) => {
      if (done % 6 === 0 || done === plan.fillHours)
        progress(`  samples: ${done}/${plan.fillHours} h filled (${fmtSeconds(started)})`)
    },
  )
  return { rows: plan.fillHours * perHour * S, seconds: (performance.now() - started) / 1000 }
}

export const LOG_SERVICES = [
  'api-gateway',
  'checkout',
  'payments',
  'users',
  'inventory',
  'search',
  'auth',
  'notifications',
]

const LOG_CHUNK = 500_000

/**
 * `logLines` log records over `logSpanMs` ending at `plan.endMs`, in time order: 8 services on 6
 * hosts each, severities DEBUG 10 % / INFO 75 % / WARN 11 % / ERROR 4 %, bodies from 8 templates
 * with variable parts (ids, durations, addresses), 3 attributes (method, status code, user id; 10k
 * distinct maps), resource attributes per host, trace and span ids on 3 lines in 4. Pseudo-random
 * choices come from `hash(i)`, so every run gets the same data.
 */
export async function fillLogs(
  db: StoreDatabase,
  plan: StoreBenchPlan,
  progress: (line: string) => void,
): Promise<FillResult> {
  const started = performance.now()
  const c = db.connection
  const services = `[${LOG_SERVICES.map((s) => `'${s}'`).join(', ')}]`
  await c.run(`CREATE TABLE bench_log_attrs AS
    SELECT CAST(k AS UBIGINT) AS k, MAP {
      'http.method': CASE WHEN k % 2 = 0 THEN 'GET' ELSE 'POST' END,
      'http.status_code': CAST(200 + (k // 2 % 5) * 100 AS VARCHAR),
      'user.id': CAST(k // 10 AS VARCHAR)} AS m
    FROM range(10000) r(k)`)
  await c.run(`CREATE TABLE bench_log_resources AS
    SELECT CAST(k AS UBIGINT) AS k, ${services}[k // 6 + 1] AS service, MAP {
      'service.name': ${services}[k // 6 + 1],
      'host.name': ${services}[k // 6 + 1] || '-' || (k % 6),
      'deployment.environment': 'prod'} AS m
    FROM range(${LOG_SERVICES.length * 6}) r(k)`)
  const N = plan.logLines
  const span = plan.logSpanMs
  const from = plan.endMs - span
  const chunks = Math.ceil(N / LOG_CHUNK)
  await fillChunks(
    db,
    chunks,
    (k) => `INSERT INTO logs
      SELECT '${BENCH_TENANT}', ${from} + (i * ${span}) // ${N}, CAST((i * 7919) % 1000000 AS INTEGER),
        ${from} + (i * ${span}) // ${N} + 3,
        res.service, sev, CASE sev WHEN 5 THEN 'DEBUG' WHEN 9 THEN 'INFO' WHEN 13 THEN 'WARN' ELSE 'ERROR' END,
        CASE tpl
          WHEN 0 THEN 'GET /api/v1/orders/' || (h % 100000) || ' 200 ' || (h % 900 + 3) || 'ms'
          WHEN 1 THEN 'POST /api/v1/checkout 201 ' || (h % 2000 + 20) || 'ms user=' || (h % 50000)
          WHEN 2 THEN 'cache miss for key session:' || (h % 1000000)
          WHEN 3 THEN 'user ' || (h % 50000) || ' logged in from 10.' || (h % 256) || '.' || (h // 256 % 256) || '.' || (h // 65536 % 256)
          WHEN 4 THEN 'payment ' || (h % 1000000007) || ' declined: insufficient funds'
          WHEN 5 THEN 'connection refused to db-' || (h % 8) || ':5432, retrying in ' || (h % 5 + 1) || 's'
          WHEN 6 THEN 'request timeout after 30000ms upstream=inventory-' || (h % 12)
          ELSE 'slow query took ' || (h % 5000 + 500) || 'ms: SELECT * FROM items WHERE sku = ?'
        END,
        a.m, res.m, 'vigil.bench@1.0.0',
        CASE WHEN h % 4 = 0 THEN '' ELSE md5(CAST(i AS VARCHAR)) END,
        CASE WHEN h % 4 = 0 THEN '' ELSE left(md5(CAST(i + 1 AS VARCHAR)), 16) END,
        1, NULL, CAST(i % 4 AS INTEGER), i // 64, CAST(i % 64 AS INTEGER)
      FROM (SELECT i, h,
          CASE WHEN h % 100 < 10 THEN 5 WHEN h % 100 < 85 THEN 9 WHEN h % 100 < 96 THEN 13 ELSE 17 END AS sev,
          CAST((h // 7) % 8 AS INTEGER) AS tpl
        FROM (SELECT i, hash(i) // 16 AS h FROM range(${k * LOG_CHUNK}, ${Math.min(N, (k + 1) * LOG_CHUNK)}) r(i))) g
      JOIN bench_log_attrs a ON a.k = g.h % 10000
      JOIN bench_log_resources res ON res.k = (g.h // 10000) % ${LOG_SERVICES.length * 6}
      ORDER BY i`,
    (done) => {
      if (done % 4 === 0 || done === chunks)
        progress(
          `  logs: ${Math.min(N, done * LOG_CHUNK).toLocaleString('en-US')}/${N.toLocaleString('en-US')} lines filled (${fmtSeconds(started)})`,
        )
    },
  )
  await c.run('DROP TABLE bench_log_attrs')
  await c.run('DROP TABLE bench_log_resources')
  return { rows: N, seconds: (performance.now() - started) / 1000 }
}

/** Lines of the tenant between two times (both in ms, inclusive), for the report. */
export async function countLogLines(c: DuckDBConnection, fromMs: number, toMs: number): Promise<number> {
  const r = await c.runAndReadAll(
    'SELECT count(*) FROM logs WHERE tenant = $1 AND time_ms >= $2 AND time_ms <= $3',
    [BENCH_TENANT, fromMs, toMs],
  )
  return Number(r.getRows()[0]![0])
}

function fmtSeconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`
}
