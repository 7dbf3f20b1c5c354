import { SERIES_KIND_CODE, encodeMetricBatch } from '../../src/core/batch/index.js'
import type { Labels, MetricBatch } from '../../src/core/batch/index.js'
import type { Log, LogRecord } from '../../src/log/index.js'
import type { PromQueryLimits } from '../../src/query/promql/api/prom-query-service.js'
import type { StoreDatabase } from '../../src/store/duckdb/store-database.js'
import type { StoreSink } from '../../src/store/sink/store-sink.js'
import {
  BENCH_TENANT,
  increasePerScrape,
  jobName,
  jobOf,
  jobPartition,
  phaseMs,
  seriesLabels,
} from './dataset.js'
import type { StoreBenchPlan } from './plan.js'
import { runPromQuery } from './queries.js'
import type { PromRun } from './queries.js'

export const METRICS_TOPIC = 'vigil.ingest.metrics'

/**
 * Feeds the raw-metrics topic the way ingest does: per scrape and job one MetricBatch record of
 * that job's series (one sample each, keyed `<tenant>/<job>`, on the job's partition), the
 * scrapes continuing where the bulk fill (or the previous run) ended. The timed part is only the
 * sink's draining of it; this is setup.
 */
export class ScrapeFeeder {
  readonly #log: Log
  readonly #plan: StoreBenchPlan
  readonly #byJob: { readonly series: number[]; readonly labels: Labels[] }[]
  /** Scrapes written so far, counted from the start of the bulk fill. */
  #scrape: number

  constructor(log: Log, plan: StoreBenchPlan) {
    this.#log = log
    this.#plan = plan
    const labels = seriesLabels(plan)
    this.#byJob = Array.from({ length: plan.jobs }, () => ({ series: [], labels: [] }))
    labels.forEach((l, s) => {
      const j = this.#byJob[jobOf(plan, s)]!
      j.series.push(s)
      j.labels.push(l)
    })
    this.#scrape = Math.round((plan.fillHours * 3_600_000) / plan.scrapeIntervalMs)
  }

  /** Where the scrapes written so far end: the next scrape's time (before the series' phases). */
  get untilMs(): number {
    const p = this.#plan
    return p.endMs - p.fillHours * 3_600_000 + this.#scrape * p.scrapeIntervalMs
  }

  /** Appends `scrapes` more scrapes; resolves with the samples appended. */
  async append(scrapes: number): Promise<number> {
    const p = this.#plan
    const start = p.endMs - p.fillHours * 3_600_000
    let samples = 0
    for (let k = 0; k < scrapes; k++, this.#scrape++) {
      const t = start + this.#scrape * p.scrapeIntervalMs
      const byPartition = new Map<number, LogRecord[]>()
      this.#byJob.forEach((job, j) => {
        const n = job.series.length
        const ts = new Float64Array(n)
        const value = new Float64Array(n)
        job.series.forEach((s, i) => {
          ts[i] = t + phaseMs(p, s)
          value[i] = this.#scrape * increasePerScrape(s)
        })
        const batch: MetricBatch = {
          kind: 'metrics',
          tenant: BENCH_TENANT,
          series: job.labels,
          seriesKinds: new Uint8Array(n).fill(SERIES_KIND_CODE.counter),
          length: n,
          seriesIdx: Uint32Array.from({ length: n }, (_, i) => i),
          ts,
          value,
          keptPoints: [],
        }
        const partition = jobPartition(p, j)
        let records = byPartition.get(partition)
        if (records === undefined) byPartition.set(partition, (records = []))
        records.push({
          key: Buffer.from(`${BENCH_TENANT}/${jobName(j)}`),
          value: encodeMetricBatch(batch),
          timestampMs: t,
        })
        samples += n
      })
      await Promise.all(
        [...byPartition].map(([partition, records]) => this.#log.append(METRICS_TOPIC, partition, records)),
      )
    }
    return samples
  }
}

export interface WriteRun {
  readonly rows: number
  readonly seconds: number
  readonly passes: number
  readonly transactions: number
  /** The run stopped at the time cap with records left in the log. */
  readonly capped: boolean
  /** Dashboard queries started during the timed drain (write/samples+queries only). */
  readonly queries: readonly PromRun[]
}

/**
 * Times `sink.pass()` from the first pass until a pass finds nothing new or `maxSeconds` passed;
 * with `query`, a loop runs that dashboard query back to back meanwhile (on the same event loop
 * and DuckDB database, as in `vigil start`). A query still running at the end finishes untimed,
 * and what the cap left in the log is drained untimed, so every run starts level.
 */
export async function drain(
  sink: StoreSink,
  maxSeconds: number,
  query:
    | {
        readonly db: StoreDatabase
        readonly limits: PromQueryLimits
        readonly rangeMs: number
        readonly stepSeconds: number
        readonly endMs: number
      }
    | undefined,
): Promise<WriteRun> {
  const before = sink.status()
  const queries: PromRun[] = []
  let stop = false
  const loop =
    query === undefined
      ? Promise.resolve()
      : (async () => {
          while (!stop) queries.push(await runPromQuery(query.db, sink.series, query.limits, query))
        })()
  const t0 = performance.now()
  let capped = false
  for (;;) {
    if ((await sink.pass()) === 0) break
    if (performance.now() - t0 > maxSeconds * 1000) {
      capped = true
      break
    }
  }
  const seconds = (performance.now() - t0) / 1000
  const after = sink.status()
  stop = true
  await loop
  while ((await sink.pass()) > 0);
  return {
    rows: after.rowsWritten - before.rowsWritten,
    seconds,
    passes: after.passes - before.passes,
    transactions: after.transactions - before.transactions,
    capped,
    queries,
  }
}
