import type { AnomalyRow } from '../../src/core/batch/index.js'
import { DetectStage } from '../../src/detect/index.js'
import { RowSource, stageSettings } from './stage.js'
import { roundTimeMs } from './workload.js'
import type { DetectBenchPlan } from './workload.js'

export interface CheckpointRun {
  readonly fullBytes: number
  readonly fullSeconds: number
  readonly deltaSeries: number
  readonly deltaBytes: number
  readonly deltaSeconds: number
  /** `restore([full])` into a fresh stage's bank. */
  readonly restoreFullSeconds: number
  /** `restore([full, delta])` into a fresh stage's bank. */
  readonly restoreChainSeconds: number
}

export interface CheckpointCase {
  readonly id: string
  readonly series: number
  readonly stride: number
  readonly runs: CheckpointRun[]
}

/**
 * `checkpoint`: the bank of a `DetectStage('rollups')` holding the plan's series (created by
 * processing rows, so its keys are the stage's own). Per run: `snapshot(true)`, then a window's rows
 * for `changedFraction` of the series, `snapshot(false)` (the delta), and the restores of the full
 * snapshot and of the chain into fresh banks (checked for the series count).
 */
export function measureCheckpoint(plan: DetectBenchPlan, progress: (line: string) => void): CheckpointCase {
  const source = new RowSource(plan, plan.series)
  const stage = new DetectStage('rollups', stageSettings(plan))
  const out: AnomalyRow[] = []
  const counts = { scored: 0, emitted: 0, refused: 0 }
  let k = 0
  const feed = (only?: (i: number) => boolean): number => {
    k++
    const rows = source.rows(roundTimeMs(plan, k), plan.stepMs, only)
    stage.process(rows, 0, out, counts)
    out.length = 0
    return rows.length
  }
  for (let i = 0; i < 3; i++) feed() // a few points per series: counters have their previous value
  const c: CheckpointCase = { id: 'checkpoint', series: plan.series, stride: stage.bank.stride, runs: [] }
  const every = Math.round(1 / plan.changedFraction)
  for (let run = 1; run <= plan.runs; run++) {
    let t0 = performance.now()
    const full = stage.bank.snapshot(true)
    const fullSeconds = (performance.now() - t0) / 1000
    const deltaSeries = feed((i) => i % every === run % every)
    t0 = performance.now()
    const delta = stage.bank.snapshot(false)
    const deltaSeconds = (performance.now() - t0) / 1000
    const restore = (chain: Uint8Array[]): number => {
      const fresh = new DetectStage('rollups', stageSettings(plan)).bank
      const r0 = performance.now()
      fresh.restore(chain)
      const seconds = (performance.now() - r0) / 1000
      if (fresh.size !== plan.series)
        throw new Error(`restored ${fresh.size} series, expected ${plan.series}`)
      return seconds
    }
    const r: CheckpointRun = {
      fullBytes: full.length,
      fullSeconds,
      deltaSeries,
      deltaBytes: delta.length,
      deltaSeconds,
      restoreFullSeconds: restore([full]),
      restoreChainSeconds: restore([full, delta]),
    }
    c.runs.push(r)
    progress(
      `  run ${run}/${plan.runs} checkpoint  full ${(r.fullBytes / 2 ** 20).toFixed(1)} MiB in ${ms(r.fullSeconds)}, ` +
        `delta ${(r.deltaBytes / 2 ** 20).toFixed(2)} MiB in ${ms(r.deltaSeconds)}, ` +
        `restore ${ms(r.restoreFullSeconds)} (+ delta ${ms(r.restoreChainSeconds)})`,
    )
  }
  return c
}

const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`
