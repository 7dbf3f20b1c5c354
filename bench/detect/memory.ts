import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { DetectBenchPlan } from './workload.js'

export const memoryModes = ['bank', 'stage'] as const
export type MemoryMode = (typeof memoryModes)[number]

/**
 * Windows the stage sees in the `stage` measurement, with a full snapshot before the last: the
 * steady state. Its keys (tenant + feature + labelsKey, concatenated) are flattened into copies by
 * the Map's key comparisons and by the snapshot, so the first window alone understates them.
 */
export const STAGE_WINDOWS = 5

export interface MemoryChildArgs {
  readonly mode: MemoryMode
  readonly plan: DetectBenchPlan
}

export interface MemoryChildResult {
  readonly mode: MemoryMode
  readonly series: number
  /** Numbers per series in the bank (the detector's stride, plus the stage's extras). */
  readonly stride: number
  /** Slots allocated in the state array (it grows by doubling, up to maxSeries). */
  readonly capacity: number
  /** Mean key length, characters (`bank`: labelsKey; `stage`: the row keys the stage's own keys wrap). */
  readonly keyChars: number
  /** Growth after building the key strings alone (`bank` only; includes the bench's array of them). */
  readonly keys: { readonly heap: number; readonly arrayBuffers: number }
  /**
   * Growth once the bank holds every series (heapUsed, and ArrayBuffer memory: the state arrays);
   * for `stage`, after `STAGE_WINDOWS` windows and a full snapshot (the steady state).
   */
  readonly total: { readonly heap: number; readonly arrayBuffers: number }
  /** `stage` only: the growth after its first window. */
  readonly firstWindow?: { readonly heap: number; readonly arrayBuffers: number }
}

export interface MemoryCase {
  readonly id: string
  readonly series: number
  /** `bank`: a SeriesBank keyed by labelsKey; `stage`: the bank of a DetectStage after one window. */
  readonly measured: readonly MemoryChildResult[]
}

const childJs = fileURLToPath(new URL('./memory-child.js', import.meta.url))

function runChild(args: MemoryChildArgs): Promise<MemoryChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', childJs, JSON.stringify(args)],
      { timeout: 120_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err !== null) return reject(new Error(`memory-child ${args.mode}: ${err.message}\n${stderr}`))
        try {
          resolve(JSON.parse(stdout) as MemoryChildResult)
        } catch {
          reject(new Error(`memory-child ${args.mode}: unexpected output: ${stdout}\n${stderr}`))
        }
      },
    )
  })
}

/**
 * `memory`: the state per series by construction (stride × 8 B and the bank's per-slot extras), and
 * measured: each bank is built in a fresh `node --expose-gc` process, heapUsed + arrayBuffers before
 * and after (full GCs first), key strings and Map entries included.
 */
export async function measureMemory(
  plan: DetectBenchPlan,
  progress: (line: string) => void,
): Promise<MemoryCase> {
  const measured: MemoryChildResult[] = []
  for (const mode of memoryModes) {
    const r = await runChild({ mode, plan })
    measured.push(r)
    progress(
      `  memory/${mode}  ${((r.total.heap + r.total.arrayBuffers) / r.series).toFixed(0)} B/series measured ` +
        `(heap ${(r.total.heap / r.series).toFixed(0)} + ArrayBuffers ${(r.total.arrayBuffers / r.series).toFixed(0)}; ` +
        `stride ${r.stride}, ${r.capacity} slots for ${r.series} series)`,
    )
  }
  return { id: 'memory', series: plan.series, measured }
}
