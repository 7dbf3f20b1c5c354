import { DEFAULT_PROM_QUERY_LIMITS } from '../../src/query/promql/api/prom-query-service.js'
import type { MachineInfo } from '../machine.js'
import { machineLines } from '../machine.js'
import { fmt, fmtSummary, summarize } from '../stats.js'
import type { SuiteReport } from '../suite.js'
import { renderMarkdown, renderText } from '../table.js'
import type { Table } from '../table.js'
import type { FillResult } from './dataset.js'
import { LOG_SERVICES } from './dataset.js'
import { PROM_QUERY } from './plan.js'
import type { PromCaseSpec, RunBudget, StoreBenchPlan, WriteCaseId } from './plan.js'
import { LOG_LIMIT } from './queries.js'
import type { LogCaseSpec, LogRun, PromRun } from './queries.js'
import type { WriteRun } from './write.js'

/** Why a query case stopped running: its target run count, its time budget, or a failure. */
export type StopReason = 'runs' | 'time budget' | 'failed'

interface BudgetedCase<R> {
  readonly budget: RunBudget
  readonly runs: R[]
  readonly errors: string[]
  spentSeconds: number
  stopReason: StopReason | undefined
}

export interface PromCase extends BudgetedCase<PromRun> {
  readonly spec: PromCaseSpec
  /** The run the default limits refused (422/503); the measured runs then use the raised limits. */
  refusal: PromRun | undefined
}

export interface LogCase extends BudgetedCase<LogRun> {
  readonly spec: LogCaseSpec
  linesInRange: number
}

export interface WriteCase {
  readonly id: WriteCaseId
  readonly runs: WriteRun[]
  readonly errors: string[]
}

export interface StoreSetup {
  readonly samplesFill: FillResult | undefined
  readonly logsFill: FillResult | undefined
  /** The DuckDB file (and WAL) after the fill. */
  readonly storeBytes: number
  /** `StoreSink.open()` on the filled store (mostly `SeriesIndex.load`). */
  readonly sinkOpenSeconds: number
}

export interface StoreBenchResults {
  readonly plan: StoreBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly setup: StoreSetup
  readonly prom: readonly PromCase[]
  readonly logs: readonly LogCase[]
  readonly writes: readonly WriteCase[]
  readonly elapsedSeconds: number
  readonly loadAverageAtEnd: number
}

/** Nearest-rank percentile: with fewer than 100 runs p99 is the slowest run. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

const n = (v: number): string => v.toLocaleString('en-US')
const ms = (values: readonly number[], p: number): string => fmt(percentile(values, p))
const hours = (rangeMs: number): string => `${rangeMs / 3_600_000} h`

function runsCell(c: {
  runs: readonly unknown[]
  stopReason: StopReason | undefined
  errors: string[]
}): string {
  if (c.errors.length > 0) return `${c.runs.length} (failed)`
  return c.stopReason === 'time budget' ? `${c.runs.length} (time budget)` : String(c.runs.length)
}

function limitsCell(c: PromCase, plan: StoreBenchPlan): string {
  if (c.refusal === undefined) return 'default'
  return `raised: maxSamples ${n(plan.raisedLimits.maxSamples)}, timeout ${plan.raisedLimits.timeoutMs / 1000} s`
}

export function promTable(r: StoreBenchResults): Table {
  return {
    header: [
      'case',
      'range / step',
      'answer',
      'samples read',
      'p50 ms',
      'p99 ms',
      'read p50 ms',
      'eval+JSON p50 ms',
      'runs',
      'limits',
    ],
    rows: r.prom.map((c) => {
      const last = c.runs.at(-1)
      const totals = c.runs.map((x) => x.ms)
      return [
        c.spec.id,
        `${hours(c.spec.rangeMs)} / ${c.spec.stepSeconds} s`,
        last === undefined
          ? '–'
          : `${last.resultSeries} × ${Math.round(last.points / Math.max(1, last.resultSeries))}`,
        last === undefined ? '–' : n(last.samples),
        ms(totals, 50),
        ms(totals, 99),
        fmt(summarize(c.runs.map((x) => x.readMs)).median),
        fmt(summarize(c.runs.map((x) => x.ms - x.readMs)).median),
        runsCell(c),
        limitsCell(c, r.plan),
      ]
    }),
    numeric: [3, 4, 5, 6, 7],
  }
}

export function logTable(r: StoreBenchResults): Table {
  return {
    header: ['case', 'query', 'lines in range', 'returned', 'p50 ms', 'p99 ms', 'runs'],
    rows: r.logs.map((c) => {
      const last = c.runs.at(-1)
      const totals = c.runs.map((x) => x.ms)
      return [
        c.spec.id,
        c.spec.label,
        n(c.linesInRange),
        last === undefined ? '–' : `${last.returned}${last.more ? ' (more)' : ''}`,
        ms(totals, 50),
        ms(totals, 99),
        runsCell(c),
      ]
    }),
    numeric: [2, 4, 5],
  }
}

export function writeTable(r: StoreBenchResults): Table {
  return {
    header: [
      'case',
      'rows/s',
      'rows per run',
      'seconds per run',
      'transactions per run',
      'queries during writes',
      'query p50 ms',
      'runs',
    ],
    rows: r.writes.map((c) => {
      const q = c.runs.flatMap((x) => x.queries.map((y) => y.ms))
      const withQueries = c.id === 'write/samples+queries'
      const capped = c.runs.filter((x) => x.capped).length
      return [
        c.id,
        fmtSummary(summarize(c.runs.map((x) => x.rows / x.seconds))),
        fmt(summarize(c.runs.map((x) => x.rows)).median),
        fmt(summarize(c.runs.map((x) => x.seconds)).median) + (capped > 0 ? ` (${capped} capped)` : ''),
        fmt(summarize(c.runs.map((x) => x.transactions)).median),
        withQueries ? String(q.length) : '–',
        withQueries ? ms(q, 50) : '–',
        c.errors.length > 0 ? `${c.runs.length} (failed)` : String(c.runs.length),
      ]
    }),
    numeric: [1, 2, 3, 4, 5, 6],
  }
}

function setupLines(r: StoreBenchResults): string[] {
  const { plan, setup } = r
  const out: string[] = []
  if (setup.samplesFill !== undefined)
    out.push(
      `Samples: ${n(plan.series)} series of ${plan.jobs} jobs × ${plan.fillHours} h at ${plan.scrapeIntervalMs / 1000} s = ` +
        `${n(setup.samplesFill.rows)} samples, bulk-filled in ${setup.samplesFill.seconds.toFixed(1)} s; ` +
        `StoreSink.open() (SeriesIndex.load over them) ${setup.sinkOpenSeconds.toFixed(1)} s.`,
    )
  if (setup.logsFill !== undefined)
    out.push(
      `Logs: ${n(setup.logsFill.rows)} lines over ${hours(plan.logSpanMs)} (${LOG_SERVICES.length} services), ` +
        `bulk-filled in ${setup.logsFill.seconds.toFixed(1)} s.`,
    )
  out.push(`Store file after the fill: ${n(Math.round(setup.storeBytes / 2 ** 20))} MiB.`)
  return out
}

function limitLines(r: StoreBenchResults): string[] {
  const d = DEFAULT_PROM_QUERY_LIMITS
  const out: string[] = []
  for (const c of r.prom) {
    if (c.refusal === undefined) continue
    out.push(
      `${c.spec.id}: the default limits (maxSamples ${n(d.maxSamples)}, timeout ${d.timeoutMs / 1000} s) refused it after ` +
        `${(c.refusal.ms / 1000).toFixed(1)} s with "${c.refusal.error}"; its runs above use maxSamples ` +
        `${n(r.plan.raisedLimits.maxSamples)} and timeout ${r.plan.raisedLimits.timeoutMs / 1000} s, raised by the benchmark.`,
    )
  }
  return out
}

function errorLines(r: StoreBenchResults): string[] {
  return [...r.prom, ...r.logs, ...r.writes].flatMap((c) =>
    c.errors.map((e) => `${'spec' in c ? c.spec.id : c.id} failed: ${e}`),
  )
}

/** The 1 h query alone vs during the writes, and the write rate with vs without queries. */
function contrastLines(r: StoreBenchResults): string[] {
  const out: string[] = []
  const alone = r.writes.find((c) => c.id === 'write/samples')
  const loaded = r.writes.find((c) => c.id === 'write/samples+queries')
  const rate = (c: WriteCase): number => summarize(c.runs.map((x) => x.rows / x.seconds)).median
  if (alone !== undefined && loaded !== undefined && alone.runs.length > 0 && loaded.runs.length > 0) {
    out.push(
      `Write rate with the 1 h dashboard query running back to back: ${fmt(rate(loaded))} rows/s, ` +
        `${((100 * rate(loaded)) / rate(alone)).toFixed(0)} % of the ${fmt(rate(alone))} rows/s without queries.`,
    )
  }
  for (const c of r.prom) {
    if (c.runs.length === 0) continue
    const total = summarize(c.runs.map((x) => x.ms)).median
    const read = summarize(c.runs.map((x) => x.readMs)).median
    const samples = c.runs.at(-1)!.samples
    out.push(
      `${c.spec.id}: ${((100 * (total - read)) / total).toFixed(0)} % of the time evaluates and formats, ` +
        `${((100 * read) / total).toFixed(0)} % reads ${n(samples)} samples (${fmt(samples / (read / 1000))} samples/s).`,
    )
  }
  const hour = r.prom.find((c) => c.spec.range === '1h')
  const during = loaded?.runs.flatMap((x) => x.queries.map((q) => q.ms)) ?? []
  if (hour !== undefined && hour.runs.length > 0 && during.length > 0) {
    out.push(
      `The 1 h dashboard query: p50 ${fmt(
        percentile(
          hour.runs.map((x) => x.ms),
          50,
        ),
      )} ms alone, ` + `${fmt(percentile(during, 50))} ms while the sink writes.`,
    )
  }
  return out
}

function promHeading(r: StoreBenchResults): string {
  return (
    `PromQL \`${PROM_QUERY}\` through PromQueryService.queryRange (Grafana's step for a ~1,500 px panel), ` +
    `ending at the newest filled sample; p50/p99 by nearest rank (p99 = the slowest run below 100 runs)` +
    (r.plan.fixedRuns === undefined ? '; runs bounded by a time budget per case' : '')
  )
}

const LOG_HEADING =
  `Logs through parseLogQuery + queryLogs on a fresh connection per query (as GET /api/v1/logs), ` +
  `limit=${LOG_LIMIT}, newest first; "all" = the whole filled span`

function writeHeading(r: StoreBenchResults): string {
  const p = r.plan
  return (
    `Writes: StoreSink.pass() until drained (cap ${p.writeMaxSeconds} s) of ${p.writeScrapes} scrapes × ${n(p.series)} series ` +
    `fed into ${p.partitions}-partition vigil.ingest.metrics (1 record = 1 job's scrape, ${n(Math.ceil(p.series / p.jobs))} samples), ` +
    `into the filled store; median (min–max) of the runs`
  )
}

export function renderStoreReport(r: StoreBenchResults): SuiteReport {
  const parts: string[] = [...setupLines(r), '']
  if (r.prom.length > 0) parts.push(promHeading(r), renderText(promTable(r)), '')
  const limits = limitLines(r)
  if (limits.length > 0) parts.push(...limits, '')
  if (r.logs.length > 0) parts.push(LOG_HEADING, renderText(logTable(r)), '')
  if (r.writes.length > 0) parts.push(writeHeading(r), renderText(writeTable(r)), '')
  const contrast = contrastLines(r)
  if (contrast.length > 0) parts.push(...contrast, '')
  const errors = errorLines(r)
  if (errors.length > 0) parts.push(...errors, '')
  parts.push(`(store suite took ${r.elapsedSeconds.toFixed(1)} s)`)
  return { text: parts.join('\n'), markdown: renderStoreMarkdown(r) }
}

function renderStoreMarkdown(r: StoreBenchResults): string {
  const p = r.plan
  const out: string[] = [
    '## Store and queries',
    '',
    `Command: \`${r.command}\` (code: \`bench/store/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; this 2-core machine is shared, so ` +
      'single runs are noisy).',
    '',
    ...machineLines(r.machine).map((l) => `- ${l}`),
    '',
    `Setup. One process, one DuckDB store file in a temp dir under \`.bench-data/\`. ` +
      `\`http_requests_total{handler, instance, job, method, status}\`: ${n(p.series)} counter series, ${p.jobs} jobs, ` +
      `one sample per series every ${p.scrapeIntervalMs / 1000} s at a fixed phase per series, ${p.fillHours} h of them, and ` +
      `${n(p.logLines)} log lines over ${hours(p.logSpanMs)} (${LOG_SERVICES.length} services, DEBUG/INFO/WARN/ERROR ` +
      '10/75/11/4 %, bodies from 8 templates with variable ids and durations, 3 attributes, resource attributes, trace ids ' +
      'on 3 lines in 4) are written straight into `samples`/`series`/`logs` by SQL (`INSERT … SELECT … FROM range(…)`, ' +
      'in time order); the `series` rows are what `SeriesIndex.load` reads when the sink opens. Query cases run ' +
      'first, interleaved round by round; then the write cases continue the scrapes after the filled data.',
    '',
    ...setupLines(r).map((l) => `- ${l}`),
    '',
  ]
  if (r.prom.length > 0) {
    out.push('### PromQL dashboard query', '', `${promHeading(r)}.`, '', renderMarkdown(promTable(r)), '')
    const limits = limitLines(r)
    if (limits.length > 0) out.push(...limits.map((l) => `- ${l}`), '')
    out.push(
      '"read" is the time inside `SampleReader.select` (the DuckDB scan plus building the series\' arrays); ' +
        '"eval+JSON" the rest: evaluating the steps and formatting the answer.',
      '',
    )
  }
  if (r.logs.length > 0)
    out.push('### Logs search', '', `${LOG_HEADING}.`, '', renderMarkdown(logTable(r)), '')
  if (r.writes.length > 0) {
    out.push(
      '### Writes',
      '',
      `${writeHeading(r)}. \`write/samples+queries\` runs the 1 h dashboard query back to back on the same ` +
        'event loop and database meanwhile (each query on its own connection, over the last full hour stored ' +
        'before the run: the work of `query/rate-sum-by/1h`), as `vigil start` serves Grafana while it stores.',
      '',
      renderMarkdown(writeTable(r)),
      '',
    )
  }
  const contrast = contrastLines(r)
  const errors = errorLines(r)
  out.push(
    '### Interpretation',
    '',
    ...[...contrast, ...errors].map((l) => `- ${l}`),
    '- Profile the slowest case: `npm run build && node --cpu-prof --cpu-prof-dir=.bench-data/prof dist/bench/main.js ' +
      'store --only query/rate-sum-by/24h --runs 1 --no-docs`, then ' +
      '`node dist/bench/ingest/profile-summary.js .bench-data/prof/<file>.cpuprofile`.',
    '',
  )
  return out.join('\n')
}
