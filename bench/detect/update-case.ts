import { Worker } from 'node:worker_threads'
import type { BlockTiming, UpdateWorkerData, UpdateWorkerMessage } from './update.js'
import type { DetectBenchPlan, Phase } from './workload.js'

/** One update case: `threads` worker threads, each with its share of the plan's series. */
export interface UpdateCase {
  readonly id: string
  readonly threads: number
  /** The detector's stride as the threads saw it (numbers of state per series; 0 until a run reports). */
  stride: number
  /** Per run, per thread, its timed blocks. */
  readonly runs: (readonly BlockTiming[])[][]
}

export const updateCaseId = (threads: number): string =>
  `update/${threads}-${threads === 1 ? 'core' : 'cores'}`

/** Which timed blocks a figure covers: a phase, or the two stretches of the warm-up. */
export const stretches = ['warm-up', 'warm-up/range', 'warm-up/histogram', 'steady'] as const
export type Stretch = (typeof stretches)[number]

export function inStretch(b: BlockTiming, stretch: Stretch, plan: DetectBenchPlan): boolean {
  const phase: Phase = stretch === 'steady' ? 'steady' : 'warm-up'
  if (b.phase !== phase) return false
  if (stretch === 'warm-up/range') return b.first <= plan.rangePoints
  if (stretch === 'warm-up/histogram') return b.first > plan.rangePoints
  return true
}

export interface RunRate {
  /** Σ over threads of (its updates ÷ its own timed seconds): the aggregate. */
  readonly sumOfRates: number
  /** All updates ÷ the wall time from the first thread's start to the last one's end, block by block. */
  readonly wallRate: number
  readonly perThread: readonly number[]
  readonly updates: number
  readonly alerts: number
}

export function runRate(
  threads: readonly (readonly BlockTiming[])[],
  pick: (b: BlockTiming) => boolean,
): RunRate {
  const perThread = threads.map((blocks) => {
    const mine = blocks.filter(pick)
    const updates = mine.reduce((a, b) => a + b.updates, 0)
    const ms = mine.reduce((a, b) => a + (b.endMs - b.startMs), 0)
    return updates / (ms / 1000)
  })
  let wallMs = 0
  let updates = 0
  let alerts = 0
  const count = threads[0]?.length ?? 0
  for (let i = 0; i < count; i++) {
    const same = threads.map((blocks) => blocks[i]!)
    if (!pick(same[0]!)) continue
    wallMs += Math.max(...same.map((b) => b.endMs)) - Math.min(...same.map((b) => b.startMs))
    for (const b of same) {
      updates += b.updates
      alerts += b.alerts
    }
  }
  return {
    sumOfRates: perThread.reduce((a, b) => a + b, 0),
    wallRate: updates / (wallMs / 1000),
    perThread,
    updates,
    alerts,
  }
}

const workerUrl = new URL('./update-worker.js', import.meta.url)

/**
 * Runs an update case: starts `threads` workers together (series split evenly), each running
 * `runUpdateSchedule`; collects their timings run by run. A failing worker stops the others (they
 * would wait at the barrier forever).
 */
export function measureUpdates(
  plan: DetectBenchPlan,
  threads: number,
  onRun: (run: number, timings: readonly (readonly BlockTiming[])[]) => void,
): Promise<UpdateCase> {
  const sync = new SharedArrayBuffer(8)
  const c: UpdateCase = { id: updateCaseId(threads), threads, stride: 0, runs: [] }
  return new Promise((resolve, reject) => {
    const workers: Worker[] = []
    let exited = 0
    let failed = false
    const fail = (err: Error): void => {
      if (failed) return
      failed = true
      // Release any thread waiting at the barrier, then stop them all.
      const shared = new Int32Array(sync)
      Atomics.add(shared, 1, 1)
      Atomics.notify(shared, 1)
      for (const w of workers) void w.terminate()
      reject(err)
    }
    for (let t = 0; t < threads; t++) {
      const data: UpdateWorkerData = {
        plan,
        from: Math.floor((plan.series * t) / threads),
        to: Math.floor((plan.series * (t + 1)) / threads),
        parties: threads,
        sync,
      }
      const worker = new Worker(workerUrl, { workerData: data })
      workers.push(worker)
      worker.on('message', (m: UpdateWorkerMessage) => {
        if (m.type === 'error') return fail(new Error(`${c.id} worker ${t}: ${m.message}`))
        if (c.stride !== 0 && c.stride !== m.stride)
          return fail(new Error(`${c.id}: the detector's stride changed from ${c.stride} to ${m.stride}`))
        c.stride = m.stride
        const run = (c.runs[m.run - 1] ??= [])
        run[t] = m.blocks
        if (run.filter(Boolean).length === threads) onRun(m.run, run)
      })
      worker.on('error', (err) => fail(err))
      worker.on('exit', (code) => {
        if (code !== 0 && !failed) fail(new Error(`${c.id} worker ${t} exited with code ${code}`))
        if (++exited === threads && !failed) resolve(c)
      })
    }
  })
}
