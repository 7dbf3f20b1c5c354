import type { AnomalyRow, ResultRow } from '../../src/core/batch/index.js'
import { DetectStage, detectorConfig } from '../../src/detect/index.js'
import type { DetectStageCounts, DetectStageSettings } from '../../src/detect/index.js'
import { SeriesValues, roundTimeMs, seriesKey } from './workload.js'
import type { DetectBenchPlan } from './workload.js'

export const TENANT = 'bench'
/** The built-in jobs' settings (engine defaults: minScore 0.5, idle timeout 1 h), scoring 10 s windows. */
export function stageSettings(plan: DetectBenchPlan): DetectStageSettings {
  return {
    detector: detectorConfig(),
    windowMs: plan.stepMs,
    minScore: 0.5,
    maxSeries: plan.maxSeries,
    idleTtlMs: 3_600_000,
  }
}

/** The detecting operator evicts idle series once per minute of event time (detecting-operator.ts). */
export const EVICT_EVERY_MS = 60_000

/** Totals over some timed `process` calls. */
export interface StageTiming {
  rows: number
  scored: number
  emitted: number
  seconds: number
  /** `evictIdle` calls (none evict: every series is fresh) and their time, apart from `seconds`. */
  evictCalls: number
  evictSeconds: number
}

export interface StageCase {
  readonly id: string
  readonly series: number
  /** The stage bank's stride (the detector's numbers plus the stage's own). */
  readonly stride: number
  /** The one warm-up of the stage's series (points 1 … warmupPoints), and its two stretches. */
  readonly warmup: StageTiming
  readonly warmupRange: StageTiming
  readonly warmupHistogram: StageTiming
  /** Steady-state runs (consecutive blocks on the same, warm, stage). */
  readonly steady: StageTiming[]
}

const emptyTiming = (): StageTiming => ({
  rows: 0,
  scored: 0,
  emitted: 0,
  seconds: 0,
  evictCalls: 0,
  evictSeconds: 0,
})

/** One 10 s window's result row per series, as the rollups job emits them at the window's close. */
export class RowSource {
  readonly keys: string[]
  readonly #values: SeriesValues
  readonly #raw: Float64Array

  constructor(
    plan: DetectBenchPlan,
    readonly n: number,
  ) {
    this.keys = Array.from({ length: n }, (_, i) => seriesKey(plan.seed, i))
    this.#values = new SeriesValues(plan.seed, 0, n)
    this.#raw = new Float64Array(n)
  }

  /** The rows of the window ending at `windowEndMs`; `only` keeps a subset (by series index). */
  rows(windowEndMs: number, windowMs: number, only?: (i: number) => boolean): ResultRow[] {
    const raw = this.#raw
    this.#values.fillRaw(windowEndMs, raw, 0)
    const rows: ResultRow[] = []
    for (let i = 0; i < this.n; i++) {
      if (only !== undefined && !only(i)) continue
      const v = raw[i]!
      rows.push({
        tenant: TENANT,
        key: this.keys[i]!,
        windowMs,
        windowStart: windowEndMs - windowMs,
        windowEnd: windowEndMs,
        revision: 1,
        final: true,
        count: 10,
        sum: v * 10,
        min: v,
        max: v,
        last: v,
        mean: v,
        p50: v,
        p90: v,
        p99: v,
        errors: 0,
      })
    }
    return rows
  }
}

/**
 * `stage/1-core`, on this thread: a `DetectStage('rollups')` fed one row per series per round
 * through `process` (the key built and looked up in the bank's Map for every row, as in the
 * engine). Rows are built before each timed call. Rounds 1 … prewarmRounds are timed one by one
 * (the first `warmupPoints` are the warm-up figure); then `runs` blocks of steady rounds, with
 * `evictIdle` called every minute of event time as the detecting operator does (timed apart).
 */
export function measureStage(plan: DetectBenchPlan, progress: (line: string) => void): StageCase {
  const source = new RowSource(plan, plan.series)
  const stage = new DetectStage('rollups', stageSettings(plan))
  const out: AnomalyRow[] = []
  const c: StageCase = {
    id: 'stage/1-core',
    series: plan.series,
    stride: stage.bank.stride,
    warmup: emptyTiming(),
    warmupRange: emptyTiming(),
    warmupHistogram: emptyTiming(),
    steady: [],
  }
  let evictedAt = Number.NEGATIVE_INFINITY
  const round = (k: number, into: StageTiming[]): void => {
    const end = roundTimeMs(plan, k)
    const rows = source.rows(end, plan.stepMs)
    const counts: DetectStageCounts = { scored: 0, emitted: 0, refused: 0 }
    out.length = 0
    const t0 = performance.now()
    stage.process(rows, end + 1_000, out, counts)
    const seconds = (performance.now() - t0) / 1000
    if (counts.refused > 0)
      throw new Error(`stage refused ${counts.refused} series (maxSeries ${plan.maxSeries})`)
    for (const t of into) {
      t.rows += rows.length
      t.scored += counts.scored
      t.emitted += counts.emitted
      t.seconds += seconds
    }
    if (k > plan.prewarmRounds && end - evictedAt >= EVICT_EVERY_MS) {
      evictedAt = end
      const e0 = performance.now()
      const evicted = stage.evictIdle(end)
      const evictSeconds = (performance.now() - e0) / 1000
      if (evicted !== 0) throw new Error(`evictIdle evicted ${evicted} live series`)
      for (const t of into) {
        t.evictCalls++
        t.evictSeconds += evictSeconds
      }
    }
  }
  const started = performance.now()
  for (let k = 1; k <= plan.prewarmRounds; k++) {
    const into =
      k > plan.warmupPoints ? [] : [c.warmup, k <= plan.rangePoints ? c.warmupRange : c.warmupHistogram]
    round(k, into)
    if (k % 120 === 0 || k === plan.warmupPoints)
      progress(
        `  stage/1-core warm-up: round ${k}/${plan.prewarmRounds} ` +
          `(${((performance.now() - started) / 1000).toFixed(0)} s)` +
          (k === plan.warmupPoints
            ? `; warm-up ${fmtRate(c.warmup.scored / c.warmup.seconds)} updates/s, ${fmtRate(c.warmup.rows / c.warmup.seconds)} rows/s`
            : ''),
      )
  }
  let k = plan.prewarmRounds
  for (let run = 1; run <= plan.runs; run++) {
    const t = emptyTiming()
    for (let r = 0; r < plan.stageSteadyRounds; r++) round(++k, [t])
    c.steady.push(t)
    progress(
      `  run ${run}/${plan.runs} stage/1-core steady  ${fmtRate(t.scored / t.seconds)} updates/s ` +
        `(${t.scored.toLocaleString('en-US')} in ${t.seconds.toFixed(2)} s; ${t.emitted} anomalies emitted; ` +
        `evictIdle ${t.evictCalls} × ${((t.evictSeconds / Math.max(1, t.evictCalls)) * 1000).toFixed(1)} ms)`,
    )
  }
  return c
}

const fmtRate = (v: number): string => Math.round(v).toLocaleString('en-US')
