import { DEFAULT_PROM_QUERY_LIMITS } from '../../src/query/promql/api/prom-query-service.js'
import type { PromQueryLimits } from '../../src/query/promql/api/prom-query-service.js'

/**
 * What the store suite measures and how much of it: volumes for the full run and for `--quick`
 * (tiny volumes, every code path, numbers meaningless).
 */
export const HOUR_MS = 3_600_000

/**
 * How many times a query case runs. Without `--runs` a case stops after `targetRuns`, or earlier
 * once it has `minRuns` and another run (at its median so far) would take it past `budgetSeconds`:
 * the 24 h PromQL query takes minutes per run, and the whole suite should stay near ten minutes.
 * With `--runs N` every case runs exactly N times.
 */
export interface RunBudget {
  readonly targetRuns: number
  readonly minRuns: number
  readonly budgetSeconds: number
}

export interface StoreBenchPlan {
  readonly quick: boolean
  /** `--runs N`: exactly N runs of every case, no time budgets. */
  readonly fixedRuns: number | undefined
  /** Series of `http_requests_total` (one sample per series per scrape). */
  readonly series: number
  /** Values of the `job` label (the `sum by (job)` groups, and the ingest partition key). */
  readonly jobs: number
  readonly scrapeIntervalMs: number
  /**
   * Hours of samples bulk-filled before the query cases (ending at `endMs`): 25 in the full run, so
   * the first step of the 24 h query has its 5 m window, as on a store that keeps days.
   */
  readonly fillHours: number
  /** Log lines bulk-filled, spread evenly over `logSpanMs` ending at `endMs`. */
  readonly logLines: number
  readonly logSpanMs: number
  /** Where the filled data ends (the "now" of the dashboards). */
  readonly endMs: number
  /** Partitions of `vigil.ingest.metrics` (as ingest creates it) for the write cases. */
  readonly partitions: number
  /**
   * Scrapes per write run: that many × `series` samples are put in the log before each timed drain
   * (enough that the drain with queries spans a few of them).
   */
  readonly writeScrapes: number
  /** Time cap of one timed drain; past it the rate is what was written so far. */
  readonly writeMaxSeconds: number
  readonly writeRuns: number
  readonly promBudgets: Readonly<Record<PromRangeId, RunBudget>>
  readonly logBudget: RunBudget
  /** The limits a PromQL case switches to after the defaults refused it (printed with the results). */
  readonly raisedLimits: PromQueryLimits
}

export const promRangeIds = ['1h', '24h'] as const
export type PromRangeId = (typeof promRangeIds)[number]

/**
 * The dashboard query over `rangeMs` with Grafana's step for a ~1,500 px wide panel: range ÷ 1,500
 * rounded up to a round interval, never below the 15 s scrape interval (1 h → 15 s, 241 points;
 * 24 h → 60 s, 1,441 points).
 */
export interface PromCaseSpec {
  readonly id: string
  readonly range: PromRangeId
  readonly rangeMs: number
  readonly stepSeconds: number
}

export const PROM_QUERY = 'sum by (job) (rate(http_requests_total[5m]))'

export const promCaseSpecs: readonly PromCaseSpec[] = [
  { id: 'query/rate-sum-by/1h', range: '1h', rangeMs: HOUR_MS, stepSeconds: 15 },
  { id: 'query/rate-sum-by/24h', range: '24h', rangeMs: 24 * HOUR_MS, stepSeconds: 60 },
]

export const WRITE_CASE_IDS = ['write/samples', 'write/samples+queries'] as const
export type WriteCaseId = (typeof WRITE_CASE_IDS)[number]

export function storeBenchPlan(quick: boolean, runs: number | undefined): StoreBenchPlan {
  const fixed = (b: RunBudget): RunBudget =>
    runs === undefined ? b : { targetRuns: runs, minRuns: runs, budgetSeconds: Infinity }
  const raisedLimits: PromQueryLimits = {
    ...DEFAULT_PROM_QUERY_LIMITS,
    timeoutMs: 900_000,
    maxSamples: 200_000_000,
  }
  const common = {
    fixedRuns: runs,
    scrapeIntervalMs: 15_000,
    endMs: Date.UTC(2026, 0, 2),
    partitions: 4,
    raisedLimits,
  }
  if (quick) {
    const one = fixed({ targetRuns: 1, minRuns: 1, budgetSeconds: Infinity })
    return {
      ...common,
      quick,
      series: 500,
      jobs: 5,
      fillHours: 2,
      logLines: 50_000,
      logSpanMs: 24 * HOUR_MS,
      writeScrapes: 20,
      writeMaxSeconds: 3,
      writeRuns: runs ?? 1,
      promBudgets: { '1h': one, '24h': one },
      logBudget: one,
    }
  }
  return {
    ...common,
    quick,
    series: 10_000,
    jobs: 10,
    fillHours: 25,
    logLines: 10_000_000,
    logSpanMs: 24 * HOUR_MS,
    writeScrapes: 400,
    writeMaxSeconds: 40,
    writeRuns: runs ?? 3,
    promBudgets: {
      '1h': fixed({ targetRuns: 20, minRuns: 5, budgetSeconds: 90 }),
      '24h': fixed({ targetRuns: 3, minRuns: 1, budgetSeconds: 240 }),
    },
    logBudget: fixed({ targetRuns: 50, minRuns: 10, budgetSeconds: 20 }),
  }
}
