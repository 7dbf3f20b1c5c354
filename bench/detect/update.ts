import { DetectorOutput, PointDetector, SeriesBank, detectorConfig } from '../../src/detect/index.js'
import { START_MS, SeriesValues, roundTimeMs, seriesKey, timedBlocks } from './workload.js'
import type { DetectBenchPlan, Phase } from './workload.js'

/** One timed block of rounds on one thread; `startMs`/`endMs` are wall-clock (comparable across threads). */
export interface BlockTiming {
  readonly phase: Phase
  /** The block's first round (a series' point number). */
  readonly first: number
  readonly rounds: number
  readonly updates: number
  /** Points whose `alert` was set (a sanity check that the values make the detector work). */
  readonly alerts: number
  readonly startMs: number
  readonly endMs: number
}

export interface UpdateWorkerData {
  readonly plan: DetectBenchPlan
  /** This thread's series: `[from, to)` of the plan's series. */
  readonly from: number
  readonly to: number
  readonly parties: number
  /** Two Int32s shared by the threads of one case: the barrier's arrival count and generation. */
  readonly sync: SharedArrayBuffer
}

export type UpdateWorkerMessage =
  | {
      readonly type: 'run'
      readonly run: number
      readonly stride: number
      readonly blocks: readonly BlockTiming[]
    }
  | { readonly type: 'error'; readonly message: string }

/**
 * The timed loop: `rounds` rounds, each one point for every series, with the slots resolved up front.
 * Nothing is allocated in it; the values are precomputed (`values[r * n + i]`).
 */
export function runRounds(
  detector: PointDetector,
  state: Float64Array,
  slots: Int32Array,
  stride: number,
  values: Float64Array,
  times: Float64Array,
  rounds: number,
  out: DetectorOutput,
): number {
  const n = slots.length
  let alerts = 0
  for (let r = 0; r < rounds; r++) {
    const t = times[r]!
    const row = r * n
    for (let i = 0; i < n; i++) {
      detector.update(state, slots[i]! * stride, t, values[row + i]!, out)
      if (out.alert) alerts++
    }
  }
  return alerts
}

/** Waits until all `parties` threads arrived (a reusable barrier on two shared Int32s). */
export function barrier(sync: Int32Array, parties: number): void {
  if (parties <= 1) return
  const generation = Atomics.load(sync, 1)
  if (Atomics.add(sync, 0, 1) === parties - 1) {
    Atomics.store(sync, 0, 0)
    Atomics.add(sync, 1, 1)
    Atomics.notify(sync, 1)
  } else {
    while (Atomics.load(sync, 1) === generation) Atomics.wait(sync, 1, generation)
  }
}

const wallNow = (): number => performance.timeOrigin + performance.now()

/**
 * One thread's share of an update case: per run a fresh `SeriesBank` of its series (slots resolved
 * once), the timed warm-up blocks, the untimed rounds up to `prewarmRounds`, then the timed steady
 * block. Threads meet at a barrier before every timed block, so their timings cover the same wall
 * interval. Calls `report` after each run.
 */
export function runUpdateSchedule(
  data: UpdateWorkerData,
  report: (run: number, stride: number, blocks: readonly BlockTiming[]) => void,
): void {
  const { plan, from, to, parties } = data
  const sync = new Int32Array(data.sync)
  const n = to - from
  const keys = Array.from({ length: n }, (_, j) => seriesKey(plan.seed, from + j))
  const blocks = timedBlocks(plan)
  const maxRounds = Math.max(...blocks.map((b) => b.rounds))
  const values = new Float64Array(maxRounds * n)
  const times = new Float64Array(maxRounds)
  const out = new DetectorOutput()
  for (let run = 1; run <= plan.runs; run++) {
    const detector = new PointDetector(detectorConfig())
    const stride = detector.stride
    const bank = new SeriesBank(stride, plan.maxSeries)
    const slots = new Int32Array(n)
    for (let j = 0; j < n; j++) slots[j] = bank.slot('g', keys[j]!, START_MS)
    const state = bank.state
    const series = new SeriesValues(plan.seed, from, to)
    const fill = (first: number, rounds: number): void => {
      for (let r = 0; r < rounds; r++) {
        times[r] = roundTimeMs(plan, first + r)
        series.fill(times[r]!, values, r * n)
      }
    }
    const timings: BlockTiming[] = []
    let next = 1
    for (const block of blocks) {
      for (; next < block.first; next++) {
        fill(next, 1)
        runRounds(detector, state, slots, stride, values, times, 1, out)
      }
      fill(block.first, block.rounds)
      barrier(sync, parties)
      const startMs = wallNow()
      const alerts = runRounds(detector, state, slots, stride, values, times, block.rounds, out)
      const endMs = wallNow()
      timings.push({ ...block, updates: block.rounds * n, alerts, startMs, endMs })
      next = block.first + block.rounds
    }
    report(run, stride, timings)
  }
}
