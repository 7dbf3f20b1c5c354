import * as os from 'node:os'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { measureCheckpoint } from './checkpoint.js'
import type { CheckpointCase } from './checkpoint.js'
import { measureMemory } from './memory.js'
import type { MemoryCase } from './memory.js'
import { renderDetectReport } from './report.js'
import type { DetectBenchResults } from './report.js'
import { measureStage } from './stage.js'
import type { StageCase } from './stage.js'
import { inStretch, measureUpdates, runRate, updateCaseId } from './update-case.js'
import type { UpdateCase } from './update-case.js'
import { detectBenchPlan } from './workload.js'

/**
 * `npm run bench -- detect`: the online anomaly detector's throughput and state size at 100k series.
 * (1) `update/1-core`: `PointDetector.update` over one `SeriesBank`, warm-up and after; (2)
 * `update/2-cores`: the same series split over 2 worker threads; (3) `stage/1-core`:
 * `DetectStage.process` over result rows, the path the engine runs; (4) `memory`: bytes per series,
 * by construction and measured; (5) `checkpoint`: full and delta snapshots of the stage's bank, and
 * their restore.
 */
export const detectSuite: BenchSuite = {
  name: 'detect',
  description:
    'anomaly detector: updates/s at 100k series (1 and 2 cores, stage path), state/series, checkpoints',
  run: runDetectSuite,
}

async function runDetectSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = detectBenchPlan(options.quick, options.runs)
  const wanted = (id: string): boolean => options.only === undefined || id.includes(options.only)
  const started = performance.now()

  const update: UpdateCase[] = []
  for (const threads of [1, plan.threads]) {
    const id = updateCaseId(threads)
    if (!wanted(id)) continue
    update.push(
      await measureUpdates(plan, threads, (run, timings) => {
        const rate = (stretch: 'warm-up' | 'steady'): string =>
          Math.round(runRate(timings, (b) => inStretch(b, stretch, plan)).sumOfRates).toLocaleString('en-US')
        options.progress(
          `  run ${run}/${plan.runs} ${id.padEnd(14)} warm-up ${rate('warm-up')} updates/s, after ${rate('steady')} updates/s`,
        )
      }),
    )
  }
  const stage: StageCase | undefined = wanted('stage/1-core')
    ? measureStage(plan, options.progress)
    : undefined
  const memory: MemoryCase | undefined = wanted('memory')
    ? await measureMemory(plan, options.progress)
    : undefined
  const checkpoint: CheckpointCase | undefined = wanted('checkpoint')
    ? measureCheckpoint(plan, options.progress)
    : undefined

  const results: DetectBenchResults = {
    plan,
    command: options.command,
    machine: options.machine,
    update,
    stage,
    memory,
    checkpoint,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  }
  return renderDetectReport(results)
}
