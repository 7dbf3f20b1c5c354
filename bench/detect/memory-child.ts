/**
 * `node --expose-gc dist/bench/detect/memory-child.js '<json>'`: builds one bank in a fresh process
 * and prints (JSON, on stdout) how much the heap plus ArrayBuffer memory grew, after full GCs.
 * Started by `memory.ts`; a process of its own so nothing else lives on its heap.
 */
import type { AnomalyRow } from '../../src/core/batch/index.js'
import { DetectStage, PointDetector, SeriesBank, detectorConfig } from '../../src/detect/index.js'
import { STAGE_WINDOWS } from './memory.js'
import type { MemoryChildArgs, MemoryChildResult } from './memory.js'
import { RowSource, stageSettings } from './stage.js'
import { START_MS, roundTimeMs, seriesKey } from './workload.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('memory-child needs node --expose-gc')

interface Usage {
  readonly heap: number
  readonly arrayBuffers: number
}

function settle(): Usage {
  for (let i = 0; i < 3; i++) gc!()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers }
}

const growth = (from: Usage, to: Usage): Usage => ({
  heap: to.heap - from.heap,
  arrayBuffers: to.arrayBuffers - from.arrayBuffers,
})

function measureBank({ plan }: MemoryChildArgs): MemoryChildResult {
  const n = plan.series
  const base = settle()
  let keys: string[] | undefined = Array.from({ length: n }, (_, i) => seriesKey(plan.seed, i))
  const keyChars = keys.reduce((a, k) => a + k.length, 0) / n
  const withKeys = settle()
  const detector = new PointDetector(detectorConfig())
  const bank = new SeriesBank(detector.stride, plan.maxSeries)
  for (let i = 0; i < n; i++) bank.slot('g', keys[i]!, START_MS)
  keys = undefined // the bank holds the key strings now; the bench's array of them goes
  const after = settle()
  return {
    mode: 'bank',
    series: bank.size,
    stride: bank.stride,
    capacity: bank.state.length / bank.stride,
    keyChars,
    keys: growth(base, withKeys),
    total: growth(base, after),
  }
}

function measureStage({ plan }: MemoryChildArgs): MemoryChildResult {
  const n = plan.series
  // The rows (and the labelsKey strings in them) belong to the rollups job: built before the
  // baseline. Each window's rows replace the previous ones, so as many rows are live at the end.
  const source = new RowSource(plan, n)
  let rows = source.rows(roundTimeMs(plan, 1), plan.stepMs)
  const base = settle()
  const stage = new DetectStage('rollups', stageSettings(plan))
  const out: AnomalyRow[] = []
  const counts = { scored: 0, emitted: 0, refused: 0 }
  stage.process(rows, 0, out, counts)
  const firstWindow = growth(base, settle())
  for (let k = 2; k <= STAGE_WINDOWS; k++) {
    if (k === STAGE_WINDOWS) stage.bank.snapshot(true) // the engine checkpoints the bank with the job
    rows = source.rows(roundTimeMs(plan, k), plan.stepMs)
    stage.process(rows, 0, out, counts)
    out.length = 0
  }
  const after = settle()
  if (rows.length !== n || stage.bank.size !== n) throw new Error(`stage holds ${stage.bank.size} series`)
  return {
    mode: 'stage',
    series: stage.bank.size,
    stride: stage.bank.stride,
    capacity: stage.bank.state.length / stage.bank.stride,
    keyChars: rows.reduce((a, r) => a + r.key.length, 0) / n,
    keys: { heap: 0, arrayBuffers: 0 },
    firstWindow,
    total: growth(base, after),
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as MemoryChildArgs
const result = args.mode === 'bank' ? measureBank(args) : measureStage(args)
process.stdout.write(`${JSON.stringify(result)}\n`)
