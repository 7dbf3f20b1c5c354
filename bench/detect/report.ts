import type { MachineInfo } from '../machine.js'
import { machineLines } from '../machine.js'
import { fmt, fmtRatio, fmtSummary, summarize } from '../stats.js'
import type { Summary } from '../stats.js'
import type { SuiteReport } from '../suite.js'
import { renderMarkdown, renderText } from '../table.js'
import type { Table } from '../table.js'
import type { CheckpointCase } from './checkpoint.js'
import { STAGE_WINDOWS } from './memory.js'
import type { MemoryCase, MemoryChildResult } from './memory.js'
import type { StageCase, StageTiming } from './stage.js'
import { inStretch, runRate } from './update-case.js'
import type { RunRate, Stretch, UpdateCase } from './update-case.js'
import { SPIKE_PROBABILITY, SPIKY_SHARE } from './workload.js'
import type { DetectBenchPlan } from './workload.js'

/** The goals: ≥ 1 M point updates/s over both cores, ≤ 1 KiB of state per series. */
export const GOALS = { updatesPerSecond: 1_000_000, bytesPerSeries: 1024 } as const

export interface DetectBenchResults {
  readonly plan: DetectBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly update: readonly UpdateCase[]
  readonly stage: StageCase | undefined
  readonly memory: MemoryCase | undefined
  readonly checkpoint: CheckpointCase | undefined
  readonly elapsedSeconds: number
  readonly loadAverageAtEnd: number
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** Per-run rates of one stretch of an update case. */
export function stretchRates(r: DetectBenchResults, c: UpdateCase, stretch: Stretch): RunRate[] {
  return c.runs.map((threads) => runRate(threads, (b) => inStretch(b, stretch, r.plan)))
}

export function updateRate(r: DetectBenchResults, c: UpdateCase | undefined, stretch: Stretch): Summary {
  if (c === undefined) return summarize([])
  return summarize(stretchRates(r, c, stretch).map((x) => x.sumOfRates))
}

const findUpdate = (r: DetectBenchResults, threads: number): UpdateCase | undefined =>
  r.update.find((c) => c.threads === threads && c.runs.length > 0)

function pointsLabel(plan: DetectBenchPlan, stretch: Stretch): string {
  switch (stretch) {
    case 'warm-up':
      return `1–${plan.warmupPoints} (warm-up)`
    case 'warm-up/range':
      return `1–${plan.rangePoints} (range learning)`
    case 'warm-up/histogram':
      return `${plan.rangePoints + 1}–${plan.warmupPoints} (histogram learning)`
    case 'steady':
      return `${plan.prewarmRounds + 1}–${plan.prewarmRounds + plan.steadyRounds} (after warm-up)`
  }
}

const tableStretches: readonly Stretch[] = ['warm-up', 'steady']

export function updateTable(r: DetectBenchResults): Table {
  const rows: string[][] = []
  for (const c of r.update) {
    const perThread = Math.round(r.plan.series / c.threads)
    for (const stretch of tableStretches) {
      const rates = stretchRates(r, c, stretch)
      const total = summarize(rates.map((x) => x.sumOfRates))
      const perCore = summarize(rates.map((x) => x.sumOfRates / c.threads))
      const updates = rates[0]?.updates ?? 0
      const alerts = summarize(rates.map((x) => (x.alerts / x.updates) * 1e6))
      rows.push([
        c.id,
        `${c.threads} × ${fmt(perThread)}`,
        pointsLabel(r.plan, stretch),
        fmt(updates),
        fmtSummary(total),
        fmt(perCore.median),
        fmt(1e9 / perCore.median),
        c.threads === 1 ? '–' : fmt(summarize(rates.map((x) => x.wallRate)).median),
        stretch === 'steady' ? fmt(alerts.median) : '–',
      ])
    }
  }
  return {
    header: [
      'case',
      'threads × series',
      'points',
      'updates per run',
      'updates/s',
      'per core',
      'ns/update',
      'all ÷ wall time',
      'alerts per 1M',
    ],
    rows,
    numeric: [3, 4, 5, 6, 7, 8],
  }
}

const stageRate = (t: StageTiming): number => t.scored / t.seconds

export function stageTable(r: DetectBenchResults): Table {
  const s = r.stage
  const rows: string[][] = []
  if (s !== undefined) {
    const row = (label: string, runs: readonly StageTiming[]): string[] => {
      const rate = summarize(runs.map(stageRate))
      const evict = runs.filter((t) => t.evictCalls > 0)
      return [
        s.id,
        fmt(s.series),
        label,
        fmt(runs[0]?.scored ?? 0),
        fmtSummary(rate),
        fmt(summarize(runs.map((t) => t.rows / t.seconds)).median),
        fmt(1e9 / rate.median),
        evict.length === 0
          ? '–'
          : fmt(summarize(evict.map((t) => (t.evictSeconds / t.evictCalls) * 1000)).median),
        fmt(summarize(runs.map((t) => (t.emitted / t.scored) * 1e6)).median),
      ]
    }
    rows.push(row(pointsLabel(r.plan, 'warm-up'), [s.warmup]))
    const first = r.plan.prewarmRounds + 1
    const last = r.plan.prewarmRounds + s.steady.length * r.plan.stageSteadyRounds
    rows.push(row(`${first}–${last} (after warm-up)`, s.steady))
  }
  return {
    header: [
      'case',
      'series',
      'points',
      'updates per run',
      'updates/s',
      'rows/s',
      'ns/update',
      'evictIdle ms',
      'anomalies per 1M',
    ],
    rows,
    numeric: [1, 3, 4, 5, 6, 7, 8],
  }
}

const perSeries = (m: MemoryChildResult): number => (m.total.heap + m.total.arrayBuffers) / m.series

/** Bytes per series by construction: the bank's numbers (stride × 8), its last-seen time and dirty flag. */
export function constructedBytes(m: MemoryCase): {
  detector: number
  bank: number
  detectorStride: number
  stageStride: number
} {
  const detectorStride = m.measured.find((x) => x.mode === 'bank')?.stride ?? Number.NaN
  const stageStride = m.measured.find((x) => x.mode === 'stage')?.stride ?? detectorStride
  return { detector: detectorStride * 8, bank: stageStride * 8 + 8 + 1, detectorStride, stageStride }
}

/**
 * A warning when the detector's layout differed between the cases (src/detect rebuilt while the
 * suite ran: the workers and the memory processes load dist/ when they start), else nothing.
 */
export function strideWarning(r: DetectBenchResults): string | undefined {
  const detector = new Set<number>(r.update.filter((c) => c.stride > 0).map((c) => c.stride))
  const stage = new Set<number>()
  for (const x of r.memory?.measured ?? []) (x.mode === 'bank' ? detector : stage).add(x.stride)
  if (r.stage !== undefined) stage.add(r.stage.stride)
  if (r.checkpoint !== undefined) stage.add(r.checkpoint.stride)
  if (detector.size <= 1 && stage.size <= 1) return undefined
  return (
    `WARNING: the detector's state layout changed during the run (detector strides ${[...detector].join(', ')}; ` +
    `stage bank strides ${[...stage].join(', ')}): dist/ was rebuilt mid-run, so the cases measured different code. Rerun.`
  )
}

/** The goal's figure: the larger measured growth per series (or the constructed one if none ran). */
export function memoryFigure(m: MemoryCase): number {
  const measured = m.measured.map(perSeries)
  return measured.length > 0 ? Math.max(...measured) : constructedBytes(m).bank
}

export function memoryTable(r: DetectBenchResults): Table {
  const m = r.memory
  const rows: string[][] = []
  if (m !== undefined) {
    const built = constructedBytes(m)
    const vs = (b: number): string => fmtRatio(b / GOALS.bytesPerSeries)
    rows.push(
      [
        `detector state: stride ${built.detectorStride} × 8 B (by construction)`,
        '–',
        fmt(built.detector),
        '–',
        fmt(built.detector),
        vs(built.detector),
      ],
      [
        `stage bank: stride ${built.stageStride} × 8 B + last-seen 8 B + dirty flag 1 B (by construction)`,
        '–',
        fmt(built.bank),
        '–',
        fmt(built.bank),
        vs(built.bank),
      ],
    )
    const row = (label: string, x: MemoryChildResult, g: MemoryChildResult['total']): string[] => {
      const bytes = (g.heap + g.arrayBuffers) / x.series
      return [
        label,
        `${fmt(x.series)} (${fmt(x.capacity)} slots)`,
        fmt(bytes),
        fmt(g.heap / x.series),
        fmt(g.arrayBuffers / x.series),
        vs(bytes),
      ]
    }
    for (const x of m.measured) {
      if (x.mode === 'bank') {
        const keyBytes = (x.keys.heap + x.keys.arrayBuffers) / x.series - 8
        rows.push(
          row(
            `measured: SeriesBank(stride ${x.stride}) keyed by labelsKey (${fmt(x.keyChars)} chars; the key strings ≈ ${fmt(keyBytes)} B)`,
            x,
            x.total,
          ),
        )
        continue
      }
      if (x.firstWindow !== undefined)
        rows.push(row('measured: DetectStage bank after its first window', x, x.firstWindow))
      rows.push(
        row(
          `measured: DetectStage bank after ${STAGE_WINDOWS} windows and a full snapshot (steady state)`,
          x,
          x.total,
        ),
      )
    }
  }
  return {
    header: ['state per series', 'series', 'B/series', 'heap B/series', 'ArrayBuffer B/series', 'of 1 KiB'],
    rows,
    numeric: [2, 3, 4, 5],
  }
}

export function checkpointTable(r: DetectBenchResults): Table {
  const c = r.checkpoint
  const rows: string[][] = []
  if (c !== undefined && c.runs.length > 0) {
    const ms = (pick: (x: CheckpointCase['runs'][number]) => number): string =>
      fmtSummary(summarize(c.runs.map((x) => pick(x) * 1000)))
    const mbps = (
      bytes: (x: CheckpointCase['runs'][number]) => number,
      s: (x: CheckpointCase['runs'][number]) => number,
    ) => fmt(summarize(c.runs.map((x) => bytes(x) / 1e6 / s(x))).median)
    const first = c.runs[0]!
    const changed = `${Math.round(r.plan.changedFraction * 100)} % changed`
    rows.push(
      [
        '`snapshot(true)` (full)',
        fmt(c.series),
        fmt(first.fullBytes),
        fmt(first.fullBytes / c.series),
        ms((x) => x.fullSeconds),
        mbps(
          (x) => x.fullBytes,
          (x) => x.fullSeconds,
        ),
      ],
      [
        `\`snapshot(false)\` (delta, ${changed})`,
        fmt(first.deltaSeries),
        fmt(first.deltaBytes),
        fmt(first.deltaBytes / first.deltaSeries),
        ms((x) => x.deltaSeconds),
        mbps(
          (x) => x.deltaBytes,
          (x) => x.deltaSeconds,
        ),
      ],
      [
        '`restore([full])` into a fresh bank',
        fmt(c.series),
        fmt(first.fullBytes),
        '–',
        ms((x) => x.restoreFullSeconds),
        mbps(
          (x) => x.fullBytes,
          (x) => x.restoreFullSeconds,
        ),
      ],
      [
        '`restore([full, delta])` into a fresh bank',
        fmt(c.series),
        fmt(first.fullBytes + first.deltaBytes),
        '–',
        ms((x) => x.restoreChainSeconds),
        mbps(
          (x) => x.fullBytes + x.deltaBytes,
          (x) => x.restoreChainSeconds,
        ),
      ],
    )
  }
  return {
    header: ['operation', 'series', 'bytes', 'B/series', 'ms', 'MB/s'],
    rows,
    numeric: [1, 2, 3, 4, 5],
  }
}

const verdict = (met: boolean): string => (met ? 'met' : 'NOT met')

/** One line per goal (and the realistic path's estimate against the throughput goal). */
export function goalLines(r: DetectBenchResults): string[] {
  const lines: string[] = []
  const two = findUpdate(r, r.plan.threads)
  const one = findUpdate(r, 1)
  const goal = GOALS.updatesPerSecond
  if (two !== undefined) {
    const steady = updateRate(r, two, 'steady').median
    const warm = updateRate(r, two, 'warm-up').median
    lines.push(
      `Goal ≥ ${fmt(goal)} point updates/s over both cores (${two.id}, after warm-up): ${fmt(steady)}/s = ` +
        `${fmtRatio(steady / goal)} the goal, ${verdict(steady >= goal)} (during warm-up: ${fmt(warm)}/s, ` +
        `${fmtRatio(warm / goal)}).`,
    )
  }
  if (r.stage !== undefined && r.stage.steady.length > 0) {
    const stage = summarize(r.stage.steady.map(stageRate)).median
    const scaling =
      one !== undefined && two !== undefined
        ? updateRate(r, two, 'steady').median / updateRate(r, one, 'steady').median
        : r.plan.threads
    const estimate = stage * scaling
    lines.push(
      `Realistic path (DetectStage.process, ${r.stage.id}, after warm-up): ${fmt(stage)} updates/s per core; ` +
        `× ${fmt(scaling)} (the 2-core scaling of the update cases) ≈ ${fmt(estimate)}/s over both cores = ` +
        `${fmtRatio(estimate / goal)} the goal, ${verdict(estimate >= goal)} (estimate).`,
    )
  }
  if (r.memory !== undefined) {
    const built = constructedBytes(r.memory).bank
    const measured = memoryFigure(r.memory)
    const max = GOALS.bytesPerSeries
    lines.push(
      `Goal ≤ 1 KiB of state per series: ${fmt(built)} B by construction (${fmtRatio(built / max)}), ` +
        `${fmt(measured)} B measured with keys and Map entries (${fmtRatio(measured / max)}), ` +
        `${verdict(measured <= max)}.`,
    )
  }
  return lines
}

/** Warm-up split, scaling, stage overhead, checkpoint: computed sentences for both renderings. */
export function interpretation(r: DetectBenchResults): string[] {
  const lines: string[] = []
  const one = findUpdate(r, 1)
  const two = findUpdate(r, r.plan.threads)
  for (const c of [one, two]) {
    if (c === undefined) continue
    const range = updateRate(r, c, 'warm-up/range').median
    const histogram = updateRate(r, c, 'warm-up/histogram').median
    const steady = updateRate(r, c, 'steady').median
    lines.push(
      `${c.id}: warm-up points 1–${r.plan.rangePoints} (range learning, no score) ${fmt(range)}/s, ` +
        `${r.plan.rangePoints + 1}–${r.plan.warmupPoints} (histogram learning) ${fmt(histogram)}/s; after warm-up ` +
        `${fmt(steady)}/s (${fmt(1e9 / (steady / c.threads))} ns per update per core: scoring adds the ` +
        'novelty surprise, the ensemble, the CUSUM and the active daily profile).',
    )
  }
  if (one !== undefined && two !== undefined) {
    const s1 = updateRate(r, one, 'steady').median
    const s2 = updateRate(r, two, 'steady').median
    lines.push(
      `Scaling: ${plural(two.threads, 'thread')} of ${fmt(r.plan.series / two.threads)} series do ${fmtRatio(s2 / s1)} ` +
        `one thread of ${fmt(r.plan.series)} after warm-up (each thread's own bank; the machine is shared, so the ` +
        'second core is not always free).',
    )
  }
  if (r.stage !== undefined && r.stage.steady.length > 0 && one !== undefined) {
    const stage = summarize(r.stage.steady.map(stageRate)).median
    const bare = updateRate(r, one, 'steady').median
    const overhead = 1e9 / stage - 1e9 / bare
    lines.push(
      `The stage path costs ${fmt(1e9 / stage)} ns per update against ${fmt(1e9 / bare)} ns for the bare detector ` +
        `update: ${fmt(overhead)} ns per row (${((overhead / (1e9 / stage)) * 100).toFixed(0)} %) go to reading the ` +
        'row (the metric name parsed out of the key), building the bank key (tenant + feature + key) and ' +
        'looking it up in the Map, marking the slot dirty, and the anomaly rows.',
    )
    const emitted = summarize(r.stage.steady.map((t) => t.emitted / t.scored)).median
    lines.push(
      `The stage emitted an anomaly row (score ≥ 0.5) for ${(emitted * 100).toFixed(1)} % of the points it scored ` +
        `after warm-up, while the injected spikes are ${(SPIKE_PROBABILITY * SPIKY_SHARE * 100).toFixed(2)} % of the ` +
        'points: most are ordinary noise scoring ≥ 0.5 shortly after warm-up. Building those rows is part of the ' +
        'measured cost.',
    )
  }
  if (r.checkpoint !== undefined && r.checkpoint.runs.length > 0) {
    const c = r.checkpoint
    const full = summarize(c.runs.map((x) => x.fullSeconds * 1000)).median
    const delta = summarize(c.runs.map((x) => x.deltaSeconds * 1000)).median
    const restore = summarize(c.runs.map((x) => x.restoreFullSeconds * 1000)).median
    lines.push(
      `Checkpoints: a full snapshot of ${fmt(c.series)} series is ${fmt(c.runs[0]!.fullBytes / 2 ** 20)} MiB in ${fmt(full)} ms; ` +
        `the delta after ${Math.round(r.plan.changedFraction * 100)} % changed ${fmt(c.runs[0]!.deltaBytes / 2 ** 20)} MiB ` +
        `in ${fmt(delta)} ms; restoring the full snapshot takes ${fmt(restore)} ms.`,
    )
  }
  lines.push(
    'Profile a case: `npm run build && node --cpu-prof --cpu-prof-dir=.bench-data/prof dist/bench/main.js detect ' +
      '--only stage --no-docs` (worker threads write their own profiles; summarise one with ' +
      '`node dist/bench/ingest/profile-summary.js FILE.cpuprofile`).',
  )
  return lines
}

function setup(r: DetectBenchResults): string {
  const p = r.plan
  return (
    `Setup. ${fmt(p.series)} series with Kubernetes-style keys (6 labels, \`labelsKey\`, ~130 characters), ` +
    `one point per series per round: 5 in 10 noisy gauges, 3 in 10 daily-seasonal (sine + noise), 2 in 10 ` +
    `gauges with a spike on ${SPIKE_PROBABILITY * 100} % of points; values from a seeded PRNG, computed before each ` +
    `timed block. The default detector config (warm-up ${p.warmupPoints} points, range learned over ${p.rangePoints}). ` +
    `Event time advances ${p.prewarmStepMs / 60_000} min per round for rounds 1–${p.prewarmRounds} (so they span the ` +
    `2 days after which a daily profile may become the baseline; the warm-up code path is the same at any step), ` +
    `then ${p.stepMs / 1000} s per round. **update** cases: \`PointDetector.update\` on a \`SeriesBank\` ` +
    `(maxSeries ${fmt(p.maxSeries)}, the engine's default per task), slots resolved once up front; per run a fresh ` +
    `bank, the whole warm-up timed (blocks of ≤ ${p.blockRounds} rounds), rounds to ${p.prewarmRounds} untimed, ` +
    `then ${p.steadyRounds} rounds timed. \`update/${p.threads}-cores\` runs ${p.threads} worker threads with ` +
    `${fmt(p.series / p.threads)} series each, meeting at a barrier before every timed block; its updates/s is the ` +
    `sum of the threads' rates ("all ÷ wall time" divides all updates by the wall time from the first start to the ` +
    `last end instead). **stage**: \`DetectStage('rollups').process\` on this thread, one \`ResultRow\` per series ` +
    `per 10 s window (1 in 4 series a \`…_total\` counter, scored on its increase), rows built before each call; ` +
    `the warm-up runs once, then ${plural(p.runs, 'block')} of ${p.stageSteadyRounds} rounds, with \`evictIdle\` ` +
    `every minute of event time as the detecting operator does (timed apart: "evictIdle ms" per call). Medians of ` +
    `${plural(p.runs, 'run')} with (min–max). "alerts per 1M": points at or over the alert threshold; ` +
    '"anomalies per 1M": rows the stage emitted (score ≥ 0.5).'
  )
}

const memorySetup =
  'Each bank is built in a fresh `node --expose-gc` process; the figure is the growth of heapUsed + ' +
  'arrayBuffers (after full GCs) per series, so it includes the key strings, the Map entries, the key, ' +
  'last-seen, dirty-flag and dirty-list arrays and any slack in the state array. The SeriesBank holds its ' +
  'labelsKey strings (counted). For the stage bank the rows and their labelsKey strings belong to the ' +
  "rollups job and exist before the baseline (each window's rows replace the previous ones); the keys the " +
  'stage builds from them (tenant + feature + labelsKey) are counted. Those are concatenations that the ' +
  "Map's key comparisons (from the second window) and the snapshot flatten into copies, so the steady " +
  'state is measured after several windows and a checkpoint.'

export function renderDetectReport(r: DetectBenchResults): SuiteReport {
  const parts: string[] = []
  if (r.update.length > 0)
    parts.push(
      `Detector updates (PointDetector.update over a SeriesBank; median (min–max) of ${plural(r.plan.runs, 'run')})`,
      renderText(updateTable(r)),
      '',
    )
  if (r.stage !== undefined)
    parts.push(
      'Detect stage (DetectStage.process over result rows, 1 thread; warm-up once, steady median (min–max))',
      renderText(stageTable(r)),
      '',
    )
  if (r.memory !== undefined) parts.push('State per series', renderText(memoryTable(r)), '')
  if (r.checkpoint !== undefined)
    parts.push(
      `Checkpoint of the stage's bank (median (min–max) of ${plural(r.plan.runs, 'run')})`,
      renderText(checkpointTable(r)),
      '',
    )
  const goals = goalLines(r)
  if (goals.length > 0) parts.push(...goals, '')
  const warning = strideWarning(r)
  if (warning !== undefined) parts.push(warning, '')
  parts.push(...interpretation(r).slice(0, -1), '', `(detect suite took ${r.elapsedSeconds.toFixed(1)} s)`)
  return { text: parts.join('\n'), markdown: renderDetectMarkdown(r) }
}

export function renderDetectMarkdown(r: DetectBenchResults): string {
  const out: string[] = [
    '## Detector',
    '',
    `Command: \`${r.command}\` (code: \`bench/detect/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; this 2-core machine is shared, so absolute ` +
      'figures move between runs).',
    '',
    ...machineLines(r.machine).map((l) => `- ${l}`),
    '',
    setup(r),
    '',
  ]
  const warning = strideWarning(r)
  if (warning !== undefined) out.push(`**${warning}**`, '')
  const goals = goalLines(r)
  if (goals.length > 0) out.push(...goals.map((l) => `- **${l}**`), '')
  if (r.update.length > 0) out.push('### Point updates', '', renderMarkdown(updateTable(r)), '')
  if (r.stage !== undefined) out.push('### Detect stage', '', renderMarkdown(stageTable(r)), '')
  if (r.memory !== undefined)
    out.push('### State per series', '', memorySetup, '', renderMarkdown(memoryTable(r)), '')
  if (r.checkpoint !== undefined)
    out.push(
      '### Checkpoints',
      '',
      `The bank of a \`DetectStage\` holding ${fmt(r.checkpoint.series)} series (stride ${r.checkpoint.stride}); per run a ` +
        `full snapshot, then one window's rows for ${Math.round(r.plan.changedFraction * 100)} % of the series and the ` +
        'delta snapshot, then both restored into fresh banks. MB/s = 10^6 snapshot bytes per second.',
      '',
      renderMarkdown(checkpointTable(r)),
      '',
    )
  out.push('### Interpretation', '', ...interpretation(r).map((l) => `- ${l}`), '')
  return out.join('\n')
}
