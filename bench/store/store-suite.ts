import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { systemClock } from '../../src/core/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { DEFAULT_PROM_QUERY_LIMITS } from '../../src/query/promql/api/prom-query-service.js'
import { StoreDatabase } from '../../src/store/duckdb/store-database.js'
import { StoreSink } from '../../src/store/sink/store-sink.js'
import { summarize } from '../stats.js'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { withTempDir } from '../temp-dir.js'
import { countLogLines, fillLogs, fillSamples } from './dataset.js'
import { WRITE_CASE_IDS, promCaseSpecs, storeBenchPlan } from './plan.js'
import type { RunBudget, StoreBenchPlan } from './plan.js'
import { logCaseSpecs, runLogQuery, runPromQuery } from './queries.js'
import type { LogRun, PromRun } from './queries.js'
import { renderStoreReport } from './report.js'
import type { LogCase, PromCase, StopReason, StoreBenchResults, StoreSetup, WriteCase } from './report.js'
import { METRICS_TOPIC, ScrapeFeeder, drain } from './write.js'

/**
 * `npm run bench -- store`: the store and its query layer in one process, on one DuckDB file.
 * Setup: 25 h of 10k counter series at a 15 s scrape interval (60 M samples; the 24 h query reads
 * 24 h 5 m of them) and 10 M log lines over 24 h are bulk-filled in SQL. Then (1) the dashboard query `sum by (job) (rate(http_requests_total[5m]))`
 * through `PromQueryService.queryRange` over 1 h (15 s step) and 24 h (60 s step), (2) logs queries
 * through `parseLogQuery` + `queryLogs` (substring searches and a service + severity filter over the
 * last hour and the whole day, limit 100), their runs interleaved round by round, and (3) the sink's
 * write rate of raw samples read from an embedded log topic (`StoreSink.pass()` until drained), alone
 * and while the 1 h dashboard query runs back to back.
 */
export const storeSuite: BenchSuite = {
  name: 'store',
  description: 'store sink write rate (alone, under queries), PromQL dashboard and logs query latency',
  run: runStoreSuite,
}

async function runStoreSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = storeBenchPlan(options.quick, options.runs)
  const started = performance.now()
  const wanted = (id: string): boolean => options.only === undefined || id.includes(options.only)
  const prom: PromCase[] = promCaseSpecs
    .filter((s) => wanted(s.id))
    .map((spec) => ({ spec, budget: plan.promBudgets[spec.range], ...fresh<PromRun>(), refusal: undefined }))
  const logs: LogCase[] = logCaseSpecs
    .filter((s) => wanted(s.id))
    .map((spec) => ({ spec, budget: plan.logBudget, ...fresh<LogRun>(), linesInRange: 0 }))
  const writes: WriteCase[] = WRITE_CASE_IDS.filter(wanted).map((id) => ({ id, runs: [], errors: [] }))
  const needSamples = prom.length > 0 || writes.length > 0

  const setup = await withTempDir(options.dataRoot, 'store', async (dir) => {
    const db = await StoreDatabase.open(path.join(dir, 'store', 'vigil.duckdb'), { clock: systemClock })
    const log = await openEmbeddedLog({
      dataDir: path.join(dir, 'log'),
      fsync: 'none',
      maintenanceIntervalMs: 0,
    })
    let sink: StoreSink | undefined
    try {
      const samplesFill = needSamples ? await fillSamples(db, plan, options.progress) : undefined
      const logsFill = logs.length > 0 ? await fillLogs(db, plan, options.progress) : undefined
      await db.connection.run('CHECKPOINT')
      const storeBytes = fileBytes(db.path)
      options.progress(`  store file after the fill: ${(storeBytes / 2 ** 20).toFixed(0)} MiB`)
      for (const c of logs) {
        const from = plan.endMs - (c.spec.rangeMs ?? plan.logSpanMs)
        c.linesInRange = await countLogLines(db.connection, from, plan.endMs)
      }
      let sinkOpenSeconds = Number.NaN
      if (needSamples) {
        await log.createTopic(METRICS_TOPIC, { partitions: plan.partitions })
        sink = new StoreSink({
          log,
          db,
          consumer: 'bench',
          sources: [{ topic: METRICS_TOPIC, kind: 'metrics' }],
          clock: systemClock,
        })
        const t0 = performance.now()
        await sink.open()
        sinkOpenSeconds = (performance.now() - t0) / 1000
        options.progress(
          `  sink opened in ${sinkOpenSeconds.toFixed(1)} s (SeriesIndex.load: ${sink.series.size.toLocaleString('en-US')} series)`,
        )
      }
      await measureQueries(plan, options, db, sink, prom, logs)
      if (sink !== undefined && writes.length > 0)
        await measureWrites(plan, options, db, log, sink, writes, prom)
      const result: StoreSetup = { samplesFill, logsFill, storeBytes, sinkOpenSeconds }
      return result
    } finally {
      await sink?.shutdown()
      await log.close()
      db.close()
    }
  })

  const results: StoreBenchResults = {
    plan,
    command: options.command,
    machine: options.machine,
    setup,
    prom,
    logs,
    writes,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  }
  return renderStoreReport(results)
}

function fresh<R>(): {
  runs: R[]
  errors: string[]
  spentSeconds: number
  stopReason: StopReason | undefined
} {
  return { runs: [], errors: [], spentSeconds: 0, stopReason: undefined }
}

/** Whether a case should run again (see `RunBudget`); sets its stop reason when not. */
function wantsAnother(c: {
  budget: RunBudget
  runs: readonly { ms: number }[]
  errors: readonly string[]
  spentSeconds: number
  stopReason: StopReason | undefined
}): boolean {
  if (c.stopReason !== undefined) return false
  if (c.errors.length > 0) c.stopReason = 'failed'
  else if (c.runs.length >= c.budget.targetRuns) c.stopReason = 'runs'
  else if (c.runs.length >= c.budget.minRuns) {
    const next = summarize(c.runs.map((r) => r.ms)).median / 1000
    if (c.spentSeconds + next > c.budget.budgetSeconds) c.stopReason = 'time budget'
  }
  return c.stopReason === undefined
}

/** The query cases, interleaved round by round so a slow phase of the machine hits all of them. */
async function measureQueries(
  plan: StoreBenchPlan,
  options: BenchOptions,
  db: StoreDatabase,
  sink: StoreSink | undefined,
  prom: PromCase[],
  logs: LogCase[],
): Promise<void> {
  for (let round = 1; ; round++) {
    let ran = false
    for (const c of prom) {
      if (sink === undefined || !wantsAnother(c)) continue
      ran = true
      const limits = c.refusal === undefined ? DEFAULT_PROM_QUERY_LIMITS : plan.raisedLimits
      try {
        const r = await runPromQuery(db, sink.series, limits, { ...c.spec, endMs: plan.endMs })
        if (r.status === 200) {
          c.runs.push(r)
          c.spentSeconds += r.ms / 1000
          options.progress(
            `  run ${round} ${c.spec.id.padEnd(28)} ${r.ms.toFixed(0).padStart(7)} ms  (read ${r.readMs.toFixed(0)} ms, ` +
              `${r.samples.toLocaleString('en-US')} samples of ${r.series.toLocaleString('en-US')} series; ` +
              `${r.resultSeries} result series × ${Math.round(r.points / Math.max(1, r.resultSeries))} points)`,
          )
        } else if (c.refusal === undefined && (r.status === 422 || r.status === 503)) {
          c.refusal = r
          options.progress(
            `  ${c.spec.id}: refused with the default limits after ${(r.ms / 1000).toFixed(1)} s (${r.error}); ` +
              `measuring with maxSamples ${plan.raisedLimits.maxSamples.toLocaleString('en-US')} and ` +
              `timeout ${plan.raisedLimits.timeoutMs / 1000} s instead`,
          )
        } else {
          c.errors.push(r.error ?? `status ${r.status}`)
          options.progress(`  run ${round} ${c.spec.id}: FAILED: ${r.error ?? r.status}`)
        }
      } catch (err) {
        c.errors.push(message(err))
        options.progress(`  run ${round} ${c.spec.id}: FAILED: ${message(err)}`)
      }
    }
    for (const c of logs) {
      if (!wantsAnother(c)) continue
      ran = true
      try {
        const r = await runLogQuery(db, c.spec, {
          endMs: plan.endMs,
          spanMs: plan.logSpanMs,
          timeoutMs: DEFAULT_PROM_QUERY_LIMITS.timeoutMs,
        })
        c.runs.push(r)
        c.spentSeconds += r.ms / 1000
        if (round === 1 || round % 10 === 0)
          options.progress(
            `  run ${round} ${c.spec.id.padEnd(28)} ${r.ms.toFixed(1).padStart(7)} ms  (${r.returned} lines${r.more ? ', more' : ''})`,
          )
      } catch (err) {
        c.errors.push(message(err))
        options.progress(`  run ${round} ${c.spec.id}: FAILED: ${message(err)}`)
      }
    }
    if (!ran) break
  }
}

/** The write cases, interleaved run by run; each run feeds the log first (untimed), then drains it. */
async function measureWrites(
  plan: StoreBenchPlan,
  options: BenchOptions,
  db: StoreDatabase,
  log: Awaited<ReturnType<typeof openEmbeddedLog>>,
  sink: StoreSink,
  writes: WriteCase[],
  prom: readonly PromCase[],
): Promise<void> {
  const feeder = new ScrapeFeeder(log, plan)
  const hour = promCaseSpecs.find((s) => s.range === '1h')!
  // The concurrent query uses what the 1 h case needed (the defaults unless they refused it).
  const limits =
    prom.find((c) => c.spec.range === '1h')?.refusal === undefined
      ? DEFAULT_PROM_QUERY_LIMITS
      : plan.raisedLimits
  for (let run = 1; run <= plan.writeRuns; run++) {
    for (const c of writes) {
      try {
        // The dashboard looks at the last full hour stored before this run's scrapes.
        const storedUntilMs = feeder.untilMs
        const t0 = performance.now()
        const samples = await feeder.append(plan.writeScrapes)
        const feedSeconds = (performance.now() - t0) / 1000
        const withQueries = c.id === 'write/samples+queries'
        const r = await drain(
          sink,
          plan.writeMaxSeconds,
          withQueries
            ? { db, limits, rangeMs: hour.rangeMs, stepSeconds: hour.stepSeconds, endMs: storedUntilMs }
            : undefined,
        )
        c.runs.push(r)
        const q = r.queries.map((x) => x.ms)
        options.progress(
          `  run ${run}/${plan.writeRuns} ${c.id.padEnd(22)} ${Math.round(r.rows / r.seconds)
            .toLocaleString('en-US')
            .padStart(
              9,
            )} rows/s  (${r.rows.toLocaleString('en-US')} of ${samples.toLocaleString('en-US')} samples in ` +
            `${r.seconds.toFixed(1)} s${r.capped ? ', CAPPED' : ''}, ${r.transactions} transactions` +
            (withQueries
              ? `; ${q.length} queries, median ${summarize(q).median.toFixed(0)} ms` +
                (r.queries.some((x) => x.status !== 200)
                  ? `, ${r.queries.filter((x) => x.status !== 200).length} failed`
                  : '')
              : '') +
            `; log fed in ${feedSeconds.toFixed(1)} s)`,
        )
      } catch (err) {
        c.errors.push(message(err))
        options.progress(`  run ${run}/${plan.writeRuns} ${c.id}: FAILED: ${message(err)}`)
      }
    }
  }
}

function fileBytes(file: string): number {
  let n = 0
  for (const f of [file, `${file}.wal`]) if (fs.existsSync(f)) n += fs.statSync(f).size
  return n
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
