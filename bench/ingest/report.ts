import type { MachineInfo } from '../machine.js'
import { machineLines } from '../machine.js'
import { fmt, fmtRatio, fmtSummary, summarize } from '../stats.js'
import type { Summary } from '../stats.js'
import type { SuiteReport } from '../suite.js'
import { renderMarkdown, renderText } from '../table.js'
import type { Table } from '../table.js'
import type { IngestSample, ProbeResult } from './measure.js'
import type { IngestBenchPlan, IngestCaseSpec, Pool } from './workload.js'

export interface IngestCase extends IngestCaseSpec {
  readonly pool: Pool
  /** Chosen on the first run (the best of the probed counts). */
  connections: number | undefined
  probe: ProbeResult | undefined
  readonly samples: IngestSample[]
  readonly errors: string[]
}

export interface VictoriaMetricsInfo {
  readonly binary: string
  /** `undefined` when the binary is missing (the baseline is skipped). */
  readonly version: string | undefined
}

export interface IngestResults {
  readonly plan: IngestBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly cases: readonly IngestCase[]
  readonly victoriaMetrics: VictoriaMetricsInfo
  /** Whether a VictoriaMetrics case was selected (so a missing binary is worth a line). */
  readonly wantedVictoriaMetrics: boolean
  readonly elapsedSeconds: number
  readonly loadAverageAtEnd: number
}

/** DESIGN.md §8: remote_write and OTLP metrics, durable log on, on this 2-core machine. */
export const GOAL_SAMPLES_PER_SECOND = 1e6
export const SKIP_LINE = 'VictoriaMetrics baseline skipped: install victoria-metrics (apt) for the baseline.'

const MiB = 2 ** 20
export const rate = (s: IngestSample): number => s.records / s.seconds
export const rates = (c: IngestCase): Summary => summarize(c.samples.map(rate))
const med = (c: IngestCase, pick: (s: IngestSample) => number): number =>
  summarize(c.samples.map(pick)).median
const pct = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)}%` : '–')

/** Non-2xx outcomes summed over every run, e.g. `429×3, error×1`; `0` when there were none. */
export function failuresText(c: IngestCase): string {
  const total: Record<string, number> = {}
  for (const s of c.samples) for (const [k, v] of Object.entries(s.failures)) total[k] = (total[k] ?? 0) + v
  const parts = Object.entries(total).map(([k, v]) => `${k}×${v}`)
  return parts.length === 0 ? '0' : parts.join(', ')
}

export function ingestTable(r: IngestResults): Table {
  return {
    header: [
      'Case',
      'Records/s',
      'Unit',
      'Server CPU',
      'Records/CPU-s',
      'RSS peak MiB',
      'RSS end MiB',
      'Client CPU',
      'Conns',
      'Non-2xx',
    ],
    numeric: [1, 3, 4, 5, 6, 7, 8],
    rows: r.cases
      .filter((c) => c.samples.length > 0)
      .map((c) => [
        c.id,
        fmtSummary(rates(c)),
        c.unit,
        pct(med(c, (s) => (100 * s.serverCpuSeconds) / s.seconds)),
        fmt(med(c, (s) => s.records / s.serverCpuSeconds)),
        fmt(med(c, (s) => s.peakRssBytes / MiB)),
        fmt(med(c, (s) => s.endRssBytes / MiB)),
        pct(med(c, (s) => (100 * s.clientCpuSeconds) / s.seconds)),
        String(c.connections ?? '–'),
        failuresText(c),
      ]),
  }
}

function find(r: IngestResults, id: string): IngestCase | undefined {
  return r.cases.find((c) => c.id === id && c.samples.length > 0)
}

/** `vigil ÷ VictoriaMetrics` remote_write lines, one per series count measured on both. */
export function ratioLines(r: IngestResults): string[] {
  const lines: string[] = []
  for (const vigil of r.cases.filter((c) => c.server === 'vigil' && c.protocol === 'remote_write')) {
    const vm = find(r, vigil.id.replace(/^vigil\//, 'victoria-metrics/'))
    if (vm === undefined || vigil.samples.length === 0) continue
    const v = rates(vigil).median
    const m = rates(vm).median
    const cpuV = med(vigil, (s) => s.records / s.serverCpuSeconds)
    const cpuM = med(vm, (s) => s.records / s.serverCpuSeconds)
    lines.push(
      `remote_write ${vigil.id.split('/')[2]} series: vigil ${fmt(v)} / VictoriaMetrics ${fmt(m)} samples/s = ` +
        `${fmtRatio(v / m)} (per server CPU-second: ${fmtRatio(cpuV / cpuM)})`,
    )
  }
  return lines
}

/** The issue's goal, per metrics case: ≥ 1 M samples/s with the default (durable) fsync policy. */
export function goalLine(r: IngestResults): string | undefined {
  const metrics = r.cases.filter((c) => c.server === 'vigil' && c.unit === 'samples' && c.samples.length > 0)
  if (metrics.length === 0) return undefined
  const parts = metrics.map((c) => {
    const v = rates(c).median
    return `${c.id.slice('vigil/'.length)} ${fmt(v)} (${v >= GOAL_SAMPLES_PER_SECOND ? 'met' : `NOT met, ${fmtRatio(GOAL_SAMPLES_PER_SECOND / v)} short`})`
  })
  return `Goal ≥ 1,000,000 samples/s sustained, fsync=interval: ${parts.join('; ')}.`
}

export function probeLines(r: IngestResults): string[] {
  return r.cases
    .filter((c) => c.probe !== undefined)
    .map(
      (c) =>
        `${c.id}: ${c.probe!.map((p) => `${p.connections} → ${fmt(p.recordsPerSecond)}`).join(', ')}; ` +
        `chose ${String(c.connections)}`,
    )
}

export function probeTable(r: IngestResults): Table {
  const counts = r.plan.connectionCandidates
  return {
    header: ['Case', ...counts.map(String), 'Chosen'],
    numeric: counts.map((_, i) => i + 1),
    rows: r.cases
      .filter((c) => c.probe !== undefined)
      .map((c) => [
        c.id,
        ...counts.map((n) => fmt(c.probe!.find((p) => p.connections === n)?.recordsPerSecond ?? Number.NaN)),
        String(c.connections),
      ]),
  }
}

/** How the rate holds up from the small to the large series count, per server and protocol. */
export function scalingLines(r: IngestResults): string[] {
  const lines: string[] = []
  const [small, large] = r.plan.seriesCounts
  if (small === undefined || large === undefined) return lines
  for (const c of r.cases.filter((x) => x.series === small && x.samples.length > 0)) {
    const big = r.cases.find(
      (x) => x.server === c.server && x.protocol === c.protocol && x.series === large && x.samples.length > 0,
    )
    if (big === undefined) continue
    lines.push(
      `${c.server} ${c.protocol}: ${fmt(large)} series run at ${fmtRatio(rates(big).median / rates(c).median)} ` +
        `the ${fmt(small)}-series rate (RSS peak ${fmt(med(big, (s) => s.peakRssBytes / MiB))} vs ` +
        `${fmt(med(c, (s) => s.peakRssBytes / MiB))} MiB).`,
    )
  }
  return lines
}

export function errorLines(r: IngestResults): string[] {
  return r.cases.flatMap((c) => c.errors.map((e) => `${c.id}: run failed: ${e.split('\n')[0] ?? e}`))
}

function baselineLines(r: IngestResults): string[] {
  if (!r.wantedVictoriaMetrics) return []
  if (r.victoriaMetrics.version === undefined) return [SKIP_LINE]
  return ratioLines(r)
}

export function renderIngestReport(r: IngestResults): SuiteReport {
  const { plan } = r
  const goal = goalLine(r)
  const text = [
    `Ingest into a separate \`vigil start\` process (fsync=interval, auth none); medians of ${plan.runs} run(s) ` +
      `of ${plan.seconds} s after ${plan.warmupSeconds} s warm-up, (min–max); CPU 100% = one core`,
    '',
    renderText(ingestTable(r)),
    '',
    ...baselineLines(r),
    ...(goal === undefined ? [] : [goal]),
    '',
    `Connections probed on the first run (${plan.probeSeconds} s each, records/s):`,
    ...probeLines(r).map((l) => `  ${l}`),
    ...errorLines(r),
    '',
    `(ingest suite took ${r.elapsedSeconds.toFixed(1)} s; command: ${r.command})`,
  ].join('\n')
  return { text, markdown: renderIngestMarkdown(r) }
}

export function renderIngestMarkdown(r: IngestResults): string {
  const { plan } = r
  const goal = goalLine(r)
  const seen = new Set<Pool>()
  const pools = r.cases
    .filter((c) => c.samples.length > 0 && !seen.has(c.pool) && seen.add(c.pool))
    .map(
      (c) =>
        `${c.protocol}${c.series === undefined ? '' : ` ${fmt(c.series)} series`}: ${c.pool.entries.length} bodies ` +
        `of ${fmt(c.pool.bytes / c.pool.entries.length)} B on average (${fmt(c.pool.bytes / c.pool.records)} B/${c.unit.replace(/s$/, '')})`,
    )
  const vm = r.victoriaMetrics
  return [
    '## Ingest',
    '',
    `Command: \`${r.command}\` (code: \`bench/ingest/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; the machine is shared, so absolute ` +
      'figures move between runs).',
    '',
    ...machineLines(r.machine).map((l) => `- ${l}`),
    '',
    'Setup. Each case starts a fresh server as a child process with its data dir in a temp dir under ' +
      '`.bench-data/`: `node dist/src/cli/main.js start --auth none` (default config: embedded log, ' +
      'fsync=interval: a 2xx means the batch is written to the log, and the group fsync follows within about 5 ms ' +
      'plus one fsync) or ' +
      `VictoriaMetrics${vm.version === undefined ? '' : ` (${vm.version}, \`-retentionPeriod=1d\`, defaults otherwise; it buffers in memory and flushes to disk about every second, without an fsync per request)`}. ` +
      'The bench process is the load client: request bodies are pre-encoded once by the `vigil gen` payload ' +
      `builders (\`src/gen/\`, ${plan.services} simulated services; metrics requests of ${fmt(plan.metricsBatch)} ` +
      `samples, each series at most once per request, pools sweeping the series ${plan.sweeps}+ times; ` +
      `traces and logs ${plan.recordsBatch} spans or lines per request), then replayed round robin over N ` +
      'keep-alive connections with one request in flight each. On the first run N is probed ' +
      `(${plan.connectionCandidates.join(', ')}; ${plan.probeSeconds} s each) and the best is kept. Each run ` +
      `warms up ${plan.warmupSeconds} s, then measures ${plan.seconds} s: records count only when their ` +
      'request got a 2xx (an OTLP partial success counts as `partial`, not acknowledged). Server CPU is ' +
      'utime+stime from `/proc/<pid>/stat` over the window (100% = one of the 2 cores); RSS peak is the ' +
      "server's VmHWM, RSS end its VmRSS at the end of the window (all threads of the process: Vigil decodes on " +
      'worker threads, so it can pass 100%); client CPU is the bench process. Records/CPU-s is records per ' +
      'second of server CPU. ' +
      `Medians of ${plan.runs} run${plan.runs === 1 ? '' : 's'} with (min–max). The client shares the 2 cores ` +
      'with the server.',
    '',
    `Pools: ${pools.join('; ')}.`,
    '',
    renderMarkdown(ingestTable(r)),
    '',
    ...baselineLines(r).map((l) => `- ${l}`),
    ...(goal === undefined ? [] : [`- **${goal}**`]),
    ...scalingLines(r).map((l) => `- ${l}`),
    ...errorLines(r).map((l) => `- ${l}`),
    '',
    `Connections probed on the first run of each case (records/s over ${plan.probeSeconds} s; the best is used for every run):`,
    '',
    renderMarkdown(probeTable(r)),
    '',
    'Profile the server: `VIGIL_BENCH_CPU_PROF_DIR=/tmp/prof npm run bench -- ingest --only vigil/remote_write/10k ' +
      '--runs 1 --no-docs`, then `node dist/bench/ingest/profile-summary.js FILE` for each `/tmp/prof/*.cpuprofile` ' +
      '(one per thread: the main thread and each decode worker).',
  ].join('\n')
}
