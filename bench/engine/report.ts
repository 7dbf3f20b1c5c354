import type { MachineInfo } from '../machine.js'
import { machineLines } from '../machine.js'
import { fmt, fmtRatio, fmtSummary, summarize } from '../stats.js'
import type { Summary } from '../stats.js'
import type { SuiteReport } from '../suite.js'
import { renderMarkdown, renderText } from '../table.js'
import type { Table } from '../table.js'
import type { CapacityProbe } from './capacity.js'
import type { LatencySample } from './latency.js'
import { GOAL_P99_MS, GOAL_SAMPLES_PER_SECOND, samplesPerWindow, stepLabel } from './plan.js'
import type { EngineBenchPlan } from './plan.js'
import { DELTA_SHARE } from './snapshot.js'
import type { SnapshotSample } from './snapshot.js'
import type { ThroughputSample } from './throughput.js'

export interface ThroughputCase {
  readonly id: string
  readonly series: number
  readonly stepMs: number
  readonly steps: number
  readonly emissionWorstCase?: boolean
  readonly maxSeconds: number
  readonly samples: ThroughputSample[]
  readonly errors: string[]
}

export interface SnapshotCase {
  readonly id: string
  readonly series: number
  readonly samples: SnapshotSample[]
  readonly errors: string[]
}

export interface LatencyCase {
  readonly id: string
  readonly fraction: number
  readonly checkpointIntervalMs: number
  /** The capacity run (offered above capacity, consumer-lag admission on): sets the loads. */
  readonly capacity?: boolean
  readonly samples: LatencySample[]
  readonly errors: string[]
}

export interface EngineResults {
  readonly plan: EngineBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly throughput: readonly ThroughputCase[]
  readonly snapshots: readonly SnapshotCase[]
  readonly latency: readonly LatencyCase[]
  /** The rate offered in the capacity run (samples/s). */
  readonly maxRate: number
  /** What the overloaded capacity runs turned into results per second (median): the search's start. */
  readonly capacityUpper: number
  /** The first probed load that was sustained: the latency loads are fractions of it. */
  readonly capacityRate: number
  readonly probes: readonly CapacityProbe[]
  readonly maxRateMeasured: boolean
  readonly elapsedSeconds: number
  readonly loadAverageAtEnd: number
}

const MiB = 2 ** 20
const rate = (s: ThroughputSample): number => s.samples / s.seconds
const med = <T>(xs: readonly T[], pick: (x: T) => number): number => summarize(xs.map(pick)).median

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

export function throughputTable(r: EngineResults): Table {
  return {
    header: [
      'Case',
      'Series',
      'Step',
      'Samples/series/10 s window',
      'Samples read',
      'Samples/s',
      'CPU cores',
      'Result records',
      'Goal ≥ 1M/s',
    ],
    numeric: [1, 3, 4, 5, 6, 7],
    rows: r.throughput
      .filter((c) => c.samples.length > 0)
      .map((c) => {
        const s = summarize(c.samples.map(rate))
        return [
          c.id,
          fmt(c.series),
          stepLabel(c.stepMs),
          String(samplesPerWindow(c.stepMs)),
          `${fmt(med(c.samples, (x) => x.samples))}${c.samples.some((x) => x.capped) ? ` of ${fmt(c.samples[0]!.prefilledSamples)} (capped)` : ''}`,
          fmtSummary(s),
          med(c.samples, (x) => x.cpuCores).toFixed(2),
          fmt(med(c.samples, (x) => x.resultRecords)),
          c.emissionWorstCase === true ? `worst case, ${goal(s.median)}` : goal(s.median),
        ]
      }),
  }
}

function goal(v: number): string {
  return v >= GOAL_SAMPLES_PER_SECOND ? 'met' : `NOT met (${fmtRatio(GOAL_SAMPLES_PER_SECOND / v)} short)`
}

export function commitTable(r: EngineResults): Table {
  return {
    header: [
      'Case',
      'Commits',
      'Commit ms median',
      'Commit ms max',
      'Snapshot MiB median',
      'Snapshot MiB max',
    ],
    numeric: [1, 2, 3, 4, 5],
    rows: r.throughput
      .filter((c) => c.samples.length > 0)
      .map((c) => {
        const commits = c.samples.flatMap((s) => s.commits)
        const ms = summarize(commits.map((x) => x.commitMs))
        const mib = summarize(commits.map((x) => x.snapshotBytes / MiB))
        return [c.id, String(commits.length), fmt(ms.median), fmt(ms.max), fmt(mib.median), fmt(mib.max)]
      }),
  }
}

export function snapshotTable(r: EngineResults): Table {
  return {
    header: [
      'Case',
      'Series',
      'Snapshot MiB',
      'B/series',
      'checkpoint() ms',
      'MB/s',
      'restoreCheckpoints() ms',
      `Delta (${DELTA_SHARE * 100}% changed) MiB`,
      'Delta checkpoint() ms',
    ],
    numeric: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: r.snapshots
      .filter((c) => c.samples.length > 0)
      .map((c) => {
        const bytes = med(c.samples, (s) => s.bytes)
        const ms: Summary = summarize(c.samples.map((s) => s.snapshotMs))
        return [
          c.id,
          fmt(c.series),
          fmt(bytes / MiB),
          fmt(bytes / c.series),
          fmtSummary(ms),
          fmt(bytes / 1e6 / (ms.median / 1000)),
          fmtSummary(summarize(c.samples.map((s) => s.restoreMs))),
          fmt(med(c.samples, (s) => s.deltaBytes) / MiB),
          fmtSummary(summarize(c.samples.map((s) => s.deltaMs))),
        ]
      }),
  }
}

export function latencyTable(r: EngineResults): Table {
  return {
    header: [
      'Case',
      'Offered samples/s',
      'Acked samples/s',
      'Windows',
      'p50 ms',
      'p99 ms',
      'Max ms',
      'Missing',
      'Non-2xx',
      'Server CPU',
      'Send lag max ms',
      'Results samples/s',
    ],
    numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    rows: r.latency
      .filter((c) => c.samples.length > 0)
      .map((c) => [
        c.id,
        fmt(med(c.samples, (s) => s.offeredSamplesPerSecond)),
        fmtSummary(summarize(c.samples.map((s) => s.ackedSamplesPerSecond))),
        String(c.samples.reduce((n, s) => n + s.latenciesMs.length, 0)),
        fmtSummary(summarize(c.samples.map((s) => percentile(s.latenciesMs, 50)))),
        fmtSummary(summarize(c.samples.map((s) => percentile(s.latenciesMs, 99)))),
        fmt(Math.max(...c.samples.flatMap((s) => s.latenciesMs))),
        String(c.samples.reduce((n, s) => n + s.missing, 0)),
        String(c.samples.reduce((n, s) => n + s.failures, 0)),
        `${(100 * med(c.samples, (s) => s.serverCpuCores)).toFixed(0)}%`,
        fmt(med(c.samples, (s) => s.maxSendLagMs)),
        fmtSummary(summarize(c.samples.map((s) => s.processedSamplesPerSecond))),
      ]),
  }
}

export function goalLines(r: EngineResults): string[] {
  const lines: string[] = []
  const tp = r.throughput.filter((c) => c.samples.length > 0)
  const atGoalDensity = tp.filter((c) => c.emissionWorstCase !== true)
  const worst = tp.filter((c) => c.emissionWorstCase === true)
  const steps = [...new Set(atGoalDensity.map((c) => c.stepMs / 1000))].map((s) => `${s} s`).join(', ')
  if (atGoalDensity.length > 0)
    lines.push(
      `Goal ≥ 1,000,000 samples/s (rollups, both cores, ${steps} steps): ${atGoalDensity
        .map((c) => {
          const v = summarize(c.samples.map(rate)).median
          return `${c.id.split('/')[1]} series ${fmt(v)} (${goal(v)})`
        })
        .join('; ')}.`,
    )
  if (worst.length > 0)
    lines.push(
      `Emission worst case, not the goal’s density (${worst.map((c) => `${c.stepMs / 1000} s`).join(', ')} steps: ` +
        `every sample closes a 10 s window, one result row per sample): ${worst
          .map((c) => {
            const v = summarize(c.samples.map(rate)).median
            return `${c.id.split('/')[1]} series ${fmt(v)} samples/s (${fmtRatio(GOAL_SAMPLES_PER_SECOND / v)} short of the goal)`
          })
          .join('; ')}.`,
    )
  if (r.capacityUpper > 0)
    lines.push(
      `Sustained end-to-end capacity (ingest + engine + load client on 2 cores): ${r.probes.some((p) => p.sustained) ? fmt(r.capacityRate) : 'not found'} samples/s ` +
        `(overloaded at ${fmt(r.maxRate)} offered, ${fmt(r.capacityUpper)} came out as results; probes: ` +
        `${r.probes.map((p) => `${fmt(p.rate)} ${p.sustained ? 'sustained' : `not sustained (${p.why})`}`).join('; ')}); ` +
        'the latency loads are fractions of it.',
    )
  const at80 = r.latency.filter((c) => c.fraction === 0.8 && !c.capacity && c.samples.length > 0)
  if (at80.length > 0)
    lines.push(
      `Goal p99 < 1 s at 80 % load: ${at80
        .map((c) => {
          const p99 = summarize(c.samples.map((s) => percentile(s.latenciesMs, 99))).median
          const missing = c.samples.reduce((n, s) => n + s.missing, 0)
          const met = p99 < GOAL_P99_MS && missing === 0
          return `checkpoint ${c.checkpointIntervalMs} ms: p99 ${fmt(p99)} ms (${met ? 'met' : 'NOT met'})`
        })
        .join('; ')}.`,
    )
  return lines
}

function errorLines(r: EngineResults): string[] {
  return [...r.throughput, ...r.snapshots, ...r.latency].flatMap((c) =>
    c.errors.map((e) => `${c.id} failed: ${e.split('\n')[0] ?? ''}`),
  )
}

export function renderEngineReport(r: EngineResults): SuiteReport {
  const tables: [string, Table][] = [
    ['Rollup throughput', throughputTable(r)],
    ['Checkpoints during the throughput runs', commitTable(r)],
    ['RollupOperator snapshot in isolation', snapshotTable(r)],
    ['End-to-end latency', latencyTable(r)],
  ]
  const text = [
    ...tables.flatMap(([title, t]) => [title, renderText(t), '']),
    ...goalLines(r),
    ...errorLines(r),
  ].join('\n')
  return { text, markdown: renderMarkdown2(r, tables) }
}

function renderMarkdown2(r: EngineResults, tables: readonly [string, Table][]): string {
  const p = r.plan
  const l = p.latency
  const tp = r.throughput
    .map(
      (c) =>
        `\`${c.id}\`: ${fmt(c.series)} series × ${c.steps.toLocaleString('en-US')} steps of ${c.stepMs / 1000} s ` +
        `(${(c.series * c.steps).toLocaleString('en-US')} samples; ${samplesPerWindow(c.stepMs)} ` +
        `sample${samplesPerWindow(c.stepMs) === 1 ? '' : 's'} per series per 10 s window` +
        `${c.emissionWorstCase === true ? ', so every sample closes a 10 s window: the emission worst case, one result row per sample' : ''})`,
    )
    .join('; ')
  const [tpTable, commits, snapshots, latency] = tables.map(([, t]) => renderMarkdown(t))
  return [
    '## Engine',
    '',
    `Command: \`${r.command}\` (code: \`bench/engine/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; the machine is shared, so absolute figures move between runs).`,
    '',
    ...machineLines(r.machine).map((line) => `- ${line}`),
    '',
    '### Rollup throughput',
    '',
    `Setup. A fresh embedded log (fsync none: the pre-fill is not measured) gets topic \`vigil.ingest.metrics\` ` +
      `with ${p.partitions} partitions, pre-filled with MetricBatch records of ${fmt(p.batchSamples)} samples ` +
      `(built as columns + encodeMetricBatch; series \`i\` on partition \`i mod ${p.partitions}\`, one sample per series ` +
      `per step, event time advancing by the case’s step; ${tp}). Then an \`EngineHost\` starts in the bench process ` +
      `(as in \`vigil start\`: the log served from the main thread over message ports, one worker thread per task) ` +
      `with the rollups job only (windows 10 s and 1 m; red and log counts disabled), engine.tasks ${p.tasks}, ` +
      `checkpointInterval ${p.checkpointIntervalMs} ms, other engine settings at their defaults. Timed from ` +
      '`start()` resolving (workers running) until every task’s positions reach the end offsets; workers report ' +
      'status about once a second, so the end is interpolated between the last two status reports at the rate ' +
      `of the interval before. A run stops at a time cap (${r.throughput.map((c) => `${c.id.slice('throughput/'.length)}: ${c.maxSeconds} s`).join(', ')}); ` +
      'a capped run’s rate is the samples read by the last status report ÷ its time, marked “capped”. CPU cores = process CPU (all threads) over the run ÷ wall time. Result records = ' +
      `ResultBatch records on \`vigil.results.rollups\`. Medians of ${p.runs} runs with (min–max).`,
    '',
    'The step sets how many result rows each sample read costs (one row per series per closed window). ' +
      'The ≥ 1 M samples/s goal applies at its own density: 1 M samples/s over 10k series is 100 samples per ' +
      'series per second, over 1M series one per second. The 1 s cases are that density at 1M series and, at ' +
      '10k series, still emit 100x more rows per sample than the goal’s 100/s would (a conservative case); the ' +
      'goal lines below use them. The 10 s case (one sample per series per 10 s window) makes every sample ' +
      'close a window and emit a result row, the worst case for result emission; its figure is stated apart.',
    '',
    tpTable ?? '',
    '',
    '### Checkpoints',
    '',
    'During the throughput runs: every commit the tasks reported (`lastCommitMs` — barrier, output flush, ' +
      'snapshot, wrap and the transactional commit of outputs + state + offsets — and `lastSnapshotBytes`), ' +
      `deduplicated by (task, epoch), pooled over the runs. Status is sampled once a second and commits come once a ` +
      'second, so some commits are not seen.',
    '',
    commits ?? '',
    '',
    `In isolation: one \`RollupOperator\` (windows 10 s and 1 m) fed ${p.snapshotSteps} steps of ` +
      `${p.snapshotStepMs / 1000} s of every series with the watermark following the data (${p.snapshotSteps * (p.snapshotStepMs / 1000)} s ` +
      'of event time: one open 10 s and one open 1 m window per series, nothing closed yet; the operator retains ' +
      `the samples, ${p.snapshotSteps} per series here, so a 1 m window filled at 1 s steps snapshots larger — ` +
      'the commit sizes above are the engine’s own), ' +
      'then a full `checkpoint()` (the columnar format the job commits) timed, and `restoreCheckpoints()` of those bytes into a fresh operator; ' +
      `then one more step of every ${Math.round(1 / DELTA_SHARE)}th series (${DELTA_SHARE * 100}% of them: 1M series scraped every 10 s, checkpointed every second) ` +
      'and the delta `checkpoint()` that follows, timed. A full checkpoint comes at most every 60 epochs (docs/jobs.md); the others are deltas. One task holds ' +
      `half the series, so a task’s snapshot in the engine is about half of this. Medians of ${p.runs} runs with (min–max).`,
    '',
    snapshots ?? '',
    '',
    '### End-to-end latency',
    '',
    `Setup. A server child process runs what \`vigil start\` runs minus the API listener: the embedded log ` +
      '(default config, fsync=interval), `IngestGateway` and `EngineHost`, composed as `AllInOne` does ' +
      '(`bench/engine/latency-server.ts`). It is not `vigil start` itself because the result topic must be read ' +
      'read_committed and `vigil start` offers no way to: the log directory is locked by the server, and ' +
      '`/api/v1/engine/status` is refreshed only once a second by the workers. So the server’s main thread tails ' +
      `\`vigil.results.rollups\` read_committed every 2 ms and prints when each result record became visible. Config: ` +
      `rollups only, windows ${l.windowsMs.map((w) => `${w / 1000} s`).join(' and ')}, engine.tasks 2, ` +
      `maxOutOfOrderness 0, idleTimeout ${l.idleTimeoutMs} ms, allowedLateness 0, checkpointInterval as in the case ` +
      `name (${l.checkpointIntervalsMs.join(' ms and ')} ms; 1 s is the default). The bench process sends ` +
      `remote_write requests (\`vigil gen\` builders, ${fmt(l.series)} series, 5 services, pre-encoded) on a fixed ` +
      `schedule with ${fmt(l.series)}-series sweeps, about ${fmt(l.samplesPerRequest)} samples per request (Prometheus’ ` +
      '`max_samples_per_send` default), one request every `step` ms (whole ms, set by the load), request `i` carrying event ' +
      `time start + i·step, so event time advances like wall time (≤ ${l.connections} connections, ` +
      '≤ 64 requests in flight). ' +
      `Load = fraction × ${fmt(r.capacityRate)} samples/s, the sustained end-to-end capacity, found in two steps. ` +
      `(1) The \`latency/capacity\` runs overload the server; the median rate at which samples came out as results there ` +
      `(Results samples/s: the count of the ${Math.min(...l.windowsMs) / 1000} s windows’ rows that became visible during the ` +
      'measured window, capped by the acknowledged rate) is an upper bound — overloaded, ingest and the engine work in ' +
      `larger batches than at a steady load. (2) Probes of ${l.capacity.probeSeconds} s from that bound down in steps of ` +
      `${Math.round(l.capacity.probeStep * 100)}% of it; the first load that is sustained is the capacity: every request ` +
      'acknowledged (≥ 97%) within 1 s of its schedule, no window missing, and the window latency not growing (median of ' +
      'the last third of the windows at most 500 ms above the first third’s), i.e. the sustainable throughput of streaming ' +
      'benchmarks (`bench/engine/capacity.ts`; the probes are listed under the table). ' +
      `The overload runs offer ${fmt(r.maxRate)} samples/s ` +
      `(${r.maxRateMeasured ? `the \`${l.referenceCase}\` rollup throughput measured above, engine only` : `a fixed rate above capacity: \`${l.referenceCase}\` did not run or --quick`}), ` +
      `more than ingest and the engine sustain together with the load client on the same 2 cores (warm-up ${l.capacity.warmupSeconds} s, measured ${l.capacity.seconds} s; ` +
      'their latency columns are of an overloaded server and are not a result). ' +
      `Each load run warms up ${l.warmupSeconds} s (start-up is not steady state: ingest's series caches and the ` +
      'engine’s series tables fill and the JIT warms, and results then lag by up to a few seconds) and measures ' +
      `${l.seconds} s; send lag is over the measured requests. Per window end W of the ${Math.min(...l.windowsMs) / 1000} s ` +
      'windows in the measured part and per task: latency = (time the first result record with windowEnd ≥ W is ' +
      'read_committed on that task’s partition of `vigil.results.rollups`) − (time of the first 2xx of a request ' +
      'whose samples have ts ≥ W, i.e. of the data that lets the watermark pass W with maxOutOfOrderness 0). It ' +
      'covers the engine reading the ingest topic, the window firing, and the epoch’s commit; the tail’s 2 ms ' +
      'poll adds ≤ 2 ms. Both processes stamp times with `performance.timeOrigin + performance.now()`. Missing = ' +
      `window ends never visible within 5 s after the load stopped. Per-run p50 and p99, medians of ${p.runs} runs ` +
      'with (min–max); Max is over all runs. Server CPU = utime+stime of the server over the measured window ' +
      '(100% = one core); the load client shares the 2 cores.',
    '',
    latency ?? '',
    '',
    ...goalLines(r).map((line) => `- **${line}**`),
    ...errorLines(r).map((line) => `- ${line}`),
  ].join('\n')
}
