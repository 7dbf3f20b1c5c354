import type { FsyncPolicy } from '../../src/log/embedded/index.js'
import type { IsolationLevel } from '../../src/log/index.js'
import type { MachineInfo } from '../machine.js'
import { fmt, fmtRatio, fmtSummary, summarize } from '../stats.js'
import type { Summary } from '../stats.js'
import type { SuiteReport } from '../suite.js'
import { renderText } from '../table.js'
import type { Table } from '../table.js'
import type { RawMode } from './raw-write.js'
import type { RecoveryScenario, RecoverySample } from './recovery.js'
import { renderLogMarkdown } from './report-docs.js'
import type { BatchShape, LogBenchPlan, Sample } from './workload.js'

/** The log's default `fsyncIntervalMs`; the raw `write+fsync-interval` baseline uses the same period. */
export const FSYNC_INTERVAL_MS = 5

export type Writer = `raw:${RawMode}` | `vigil:${FsyncPolicy}`

export interface AppendCase {
  readonly id: string
  readonly shape: BatchShape
  readonly writer: Writer
  /** Appends in flight (log cases only). */
  readonly inFlight: number
  readonly samples: Sample[]
}

export interface ReadCase {
  readonly id: string
  readonly shape: BatchShape
  readonly isolation: IsolationLevel
  readonly samples: Sample[]
}

export interface RecoveryCase {
  readonly id: string
  readonly scenario: RecoveryScenario
  readonly samples: RecoverySample[]
}

export interface LogBenchResults {
  readonly plan: LogBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly append: readonly AppendCase[]
  readonly read: readonly ReadCase[]
  readonly recovery: readonly RecoveryCase[]
  readonly elapsedSeconds: number
  /** 1-minute load average when the suite finished. */
  readonly loadAverageAtEnd: number
}

/** `raw/1KiB/write`, `append/1KiB/interval/64` (log cases name their in-flight window). */
export function appendCaseId(shape: BatchShape, writer: Writer, inFlight: number): string {
  const [kind, mode] = writer.split(':') as [string, string]
  return kind === 'raw' ? `raw/${shape.id}/${mode}` : `append/${shape.id}/${mode}/${inFlight}`
}

export const writerLabels: Readonly<Record<Writer, string>> = {
  'raw:write': 'raw fs.writeSync (page cache)',
  'raw:write+fsync': 'raw write + 1 fsync at the end',
  'raw:write+fsync-interval': `raw write + fsync every ${FSYNC_INTERVAL_MS} ms`,
  'vigil:always': 'vigil fsync=always',
  'vigil:interval': `vigil fsync=interval (${FSYNC_INTERVAL_MS} ms, default)`,
  'vigil:none': 'vigil fsync=none',
}

export function caseLabel(c: AppendCase, plan: LogBenchPlan): string {
  if (c.writer.startsWith('raw:') || c.inFlight === plan.inFlight) return writerLabels[c.writer]
  return `vigil fsync=${c.writer.slice(6)}, ${c.inFlight} in flight`
}

export const mbps = (s: Sample): number => s.bytes / 1e6 / s.seconds
const perSecond = (pick: (s: Sample) => number) => (samples: readonly Sample[]) =>
  summarize(samples.map((s) => pick(s) / s.seconds))

/** Median over runs of (MB/s of `num`) / (MB/s of `den`), pairing the samples of the same run. */
export function pairedRatio(num: readonly Sample[], den: readonly Sample[]): Summary {
  const n = Math.min(num.length, den.length)
  return summarize(Array.from({ length: n }, (_, i) => mbps(num[i]!) / mbps(den[i]!)))
}

export function findCase(
  r: LogBenchResults,
  shape: BatchShape,
  writer: Writer,
  inFlight = r.plan.inFlight,
): AppendCase | undefined {
  return r.append.find(
    (c) =>
      c.shape.id === shape.id &&
      c.writer === writer &&
      (writer.startsWith('raw:') || c.inFlight === inFlight),
  )
}

export interface IntervalRatio {
  readonly shape: BatchShape
  /** Raw write ÷ vigil interval with the default window: the issue's headline figure (goal ≤ 2x). */
  readonly ratio: Summary
  /** The same with the wide window, when measured. */
  readonly wide: Summary | undefined
}

export function intervalRatios(r: LogBenchResults): IntervalRatio[] {
  const out: IntervalRatio[] = []
  for (const shape of new Set(r.append.map((c) => c.shape))) {
    const raw = findCase(r, shape, 'raw:write')
    const vigil = findCase(r, shape, 'vigil:interval')
    const wide = findCase(r, shape, 'vigil:interval', r.plan.wideInFlight)
    if (raw === undefined || vigil === undefined) continue
    out.push({
      shape,
      ratio: pairedRatio(raw.samples, vigil.samples),
      wide: wide === undefined ? undefined : pairedRatio(raw.samples, wide.samples),
    })
  }
  return out
}

export function appendTable(r: LogBenchResults): Table {
  const rows = r.append.map((c) => {
    const raw = findCase(r, c.shape, 'raw:write')
    return [
      c.shape.label,
      caseLabel(c, r.plan),
      fmtSummary(summarize(c.samples.map(mbps))),
      fmt(perSecond((s) => s.batches)(c.samples).median),
      fmt(perSecond((s) => s.records)(c.samples).median),
      c.writer === 'vigil:none' || c.writer === 'raw:write'
        ? '–'
        : fmt(perSecond((s) => s.fsyncs ?? 0)(c.samples).median),
      raw === undefined ? '–' : fmtRatio(pairedRatio(raw.samples, c.samples).median),
    ]
  })
  return {
    header: ['batch', 'writer', 'MB/s', 'batches/s', 'records/s', 'fsyncs/s', 'raw write ÷ this'],
    rows,
    numeric: [2, 3, 4, 5, 6],
  }
}

export function readTable(r: LogBenchResults): Table {
  return {
    header: ['batch', 'isolation', 'MB/s', 'records/s', 'read calls/s'],
    rows: r.read.map((c) => [
      c.shape.label,
      c.isolation,
      fmtSummary(summarize(c.samples.map(mbps))),
      fmt(perSecond((s) => s.records)(c.samples).median),
      fmt(perSecond((s) => s.batches)(c.samples).median),
    ]),
    numeric: [2, 3, 4],
  }
}

export const recoveryLabels: Readonly<Record<RecoveryScenario, string>> = {
  clean: 'clean (after close, sidecars present)',
  'no-index': 'all *.index sidecars deleted (full rescan)',
  crash: 'after crashForTesting()',
}

export function recoveryTable(r: LogBenchResults): Table {
  return {
    header: ['reopen', 'seconds', 'scanned MiB', 'GB/s scanned', 'log GB/s'],
    rows: r.recovery.map((c) => [
      recoveryLabels[c.scenario],
      fmtSummary(summarize(c.samples.map((s) => s.seconds))),
      fmt(summarize(c.samples.map((s) => s.scannedBytes / 2 ** 20)).median),
      fmt(summarize(c.samples.map((s) => s.scannedBytes / 1e9 / s.seconds)).median),
      fmt(summarize(c.samples.map((s) => s.totalBytes / 1e9 / s.seconds)).median),
    ]),
    numeric: [1, 2, 3, 4],
  }
}

export function ratioLines(r: LogBenchResults): string[] {
  return intervalRatios(r).map(
    ({ shape, ratio, wide }) =>
      `  ${`${shape.label} batches:`.padEnd(16)} raw/vigil = ${fmtRatio(ratio.median)}` +
      (ratio.n > 1 ? ` (runs ${fmtRatio(ratio.min)}–${fmtRatio(ratio.max)})` : '') +
      `  ${ratio.median <= 2 ? 'goal met' : 'goal NOT met'}` +
      (wide === undefined ? '' : `   [${r.plan.wideInFlight} in flight: ${fmtRatio(wide.median)}]`),
  )
}

export function renderLogReport(r: LogBenchResults): SuiteReport {
  const { plan } = r
  const parts: string[] = []
  if (r.append.length > 0) {
    parts.push(
      `Log appends: ${plan.inFlight} in flight, median (min–max) of ${plan.runs} run(s); MB/s = 10^6 on-disk bytes/s`,
      renderText(appendTable(r)),
    )
    const lines = ratioLines(r)
    if (lines.length > 0)
      parts.push(
        '',
        `fsync=interval (${plan.inFlight} in flight) vs raw fs.writeSync in the same run ` +
          '(raw MB/s ÷ vigil MB/s, median of per-run ratios; goal <= 2x):',
        ...lines,
      )
    parts.push('')
  }
  if (r.read.length > 0)
    parts.push(
      `Log reads: whole partition, read(maxBytes: 1 MiB), ${plan.runs} run(s)`,
      renderText(readTable(r)),
      '',
    )
  if (r.recovery.length > 0) {
    const total = r.recovery[0]?.samples[0]
    parts.push(
      `Log recovery: reopen of a ${((total?.totalBytes ?? 0) / 2 ** 30).toFixed(2)} GiB log ` +
        `(${total?.segments ?? 0} segments), ${plan.recoveryRuns} run(s)`,
      renderText(recoveryTable(r)),
      '',
    )
  }
  parts.push(`(log suite took ${r.elapsedSeconds.toFixed(1)} s)`)
  return { text: parts.join('\n'), markdown: renderLogMarkdown(r) }
}
