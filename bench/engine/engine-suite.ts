import * as os from 'node:os'
import { summarize } from '../stats.js'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { withTempDir } from '../temp-dir.js'
import { searchCapacity } from './capacity.js'
import type { CapacityProbe } from './capacity.js'
import { buildLatencyPool, measureLatency } from './latency.js'
import type { LatencySample } from './latency.js'
import { engineBenchPlan, seriesLabel, throughputCaseId } from './plan.js'
import { percentile, renderEngineReport } from './report.js'
import type { LatencyCase, SnapshotCase, ThroughputCase } from './report.js'
import { measureSnapshot } from './snapshot.js'
import { measureThroughput } from './throughput.js'

/**
 * `npm run bench -- engine`: the built-in rollups job on the engine's worker threads. (1) Rollup
 * throughput of an EngineHost (2 tasks, both cores) over a pre-filled embedded log at 10k and 1M
 * series with 1 s event-time steps (the goal's density), and 10k series with 10 s steps (every sample
 * closes a window: the emission worst case); (2) checkpoint duration and size, from the tasks' commits and from a RollupOperator
 * snapshot in isolation; (3) end-to-end latency of a server process (ingest + engine, as
 * `vigil start`) at 50 % and 80 % of the `throughput/10k/1s` rate, from the ingest ack of the data
 * that moves the watermark past a window's end to that window's result being visible read_committed.
 */
export const engineSuite: BenchSuite = {
  name: 'engine',
  description: 'rollup job throughput on 2 worker threads, checkpoint cost, end-to-end result latency',
  run: runEngineSuite,
}

async function runEngineSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = engineBenchPlan(options.quick, options.runs)
  const started = performance.now()
  const wanted = (id: string): boolean => options.only === undefined || id.includes(options.only)

  const throughput: ThroughputCase[] = plan.throughput
    .map((spec) => ({ ...spec, id: throughputCaseId(spec), samples: [], errors: [] }))
    .filter((c) => wanted(c.id))
  for (let run = 1; run <= plan.runs; run++) {
    for (const c of throughput) {
      try {
        const s = await measureThroughput(plan, c, options.dataRoot)
        c.samples.push(s)
        options.progress(
          `  run ${run}/${plan.runs} ${c.id.padEnd(19)} ${Math.round(s.samples / s.seconds).toLocaleString('en-US')} samples/s ` +
            `(${s.samples.toLocaleString('en-US')} samples in ${s.seconds.toFixed(2)} s, CPU ${s.cpuCores.toFixed(2)} cores, ` +
            `${s.commits.length} commits seen${s.capped ? `, CAPPED at ${c.maxSeconds} s of ${s.prefilledSamples.toLocaleString('en-US')}` : ''}; pre-fill ${s.prefill.seconds.toFixed(1)} s, ${(s.prefill.bytes / 2 ** 20).toFixed(0)} MiB)`,
        )
      } catch (err) {
        c.errors.push(message(err))
        options.progress(`  run ${run}/${plan.runs} ${c.id}: FAILED: ${message(err)}`)
      }
    }
  }

  const snapshots: SnapshotCase[] = plan.snapshotSeries
    .map((series) => ({ id: `snapshot/${seriesLabel(series)}`, series, samples: [], errors: [] }))
    .filter((c) => wanted(c.id))
  for (const c of snapshots) {
    for (let run = 1; run <= plan.runs; run++) {
      try {
        const s = measureSnapshot(c.series, plan.snapshotSteps, plan.snapshotStepMs)
        c.samples.push(s)
        options.progress(
          `  run ${run}/${plan.runs} ${c.id.padEnd(16)} snapshot ${s.snapshotMs.toFixed(1)} ms, ` +
            `${(s.bytes / 2 ** 20).toFixed(2)} MiB, restore ${s.restoreMs.toFixed(1)} ms, ` +
            `delta ${s.deltaMs.toFixed(1)} ms, ${(s.deltaBytes / 2 ** 20).toFixed(2)} MiB`,
        )
      } catch (err) {
        c.errors.push(message(err))
        options.progress(`  run ${run}/${plan.runs} ${c.id}: FAILED: ${message(err)}`)
      }
    }
  }

  const ref = throughput.find((c) => c.id === plan.latency.referenceCase && c.samples.length > 0)
  const measuredMax =
    ref === undefined ? undefined : summarize(ref.samples.map((s) => s.samples / s.seconds)).median
  const maxRate =
    plan.quick || measuredMax === undefined ? plan.latency.fallbackMaxSamplesPerSecond : measuredMax
  const latency: LatencyCase[] = []
  const wantedLatency = plan.latency.loadFractions.some((f) =>
    plan.latency.checkpointIntervalsMs.some((ms) => wanted(latencyCaseId(f, ms))),
  )
  const cap = plan.latency.capacity
  const capacity: LatencyCase = {
    id: 'latency/capacity',
    fraction: 1,
    checkpointIntervalMs: 1_000,
    capacity: true,
    samples: [],
    errors: [],
  }
  if (wantedLatency || wanted(capacity.id)) {
    options.progress(
      `  building the capacity load (offered ${Math.round(maxRate).toLocaleString('en-US')} samples/s)…`,
    )
    const spec = { checkpointIntervalMs: capacity.checkpointIntervalMs, ...cap }
    const pool = buildLatencyPool(plan.latency, maxRate, spec)
    for (let run = 1; run <= plan.runs; run++) {
      try {
        const s = await withTempDir(options.dataRoot, 'engine-capacity', (dir) =>
          measureLatency(plan.latency, pool, dir, spec),
        )
        capacity.samples.push(s)
        options.progress(
          `  run ${run}/${plan.runs} ${capacity.id.padEnd(30)} acked ${Math.round(s.ackedSamplesPerSecond).toLocaleString('en-US')}/s ` +
            `of ${Math.round(s.offeredSamplesPerSecond).toLocaleString('en-US')}/s offered, ` +
            `${Math.round(s.processedSamplesPerSecond).toLocaleString('en-US')}/s came out as results, ${s.failures} non-2xx, ` +
            `server CPU ${s.serverCpuCores.toFixed(2)}`,
        )
      } catch (err) {
        capacity.errors.push(message(err))
        options.progress(`  run ${run}/${plan.runs} ${capacity.id}: FAILED: ${message(err)}`)
      }
    }
    latency.push(capacity)
  }
  // The loads are fractions of the sustained end-to-end capacity (ingest + engine on the same cores).
  const upper =
    capacity.samples.length > 0 ? summarize(capacity.samples.map(sustainedRate)).median : Number.NaN
  let capacityRate = Number.NaN
  let probes: CapacityProbe[] = []
  if (upper > 0) {
    try {
      const found = await searchCapacity(plan.latency, upper, options.dataRoot, options.progress)
      probes = found.probes
      // None sustained: the loads still run, as fractions of the lowest probe, and the report says so.
      capacityRate = found.rate ?? found.probes.at(-1)?.rate ?? Number.NaN
      if (found.rate === undefined)
        capacity.errors.push(`no probed load was sustained; the loads are fractions of the lowest probe`)
    } catch (err) {
      capacity.errors.push(`capacity search: ${message(err)}`)
    }
  }
  for (const fraction of plan.latency.loadFractions) {
    if (!(capacityRate > 0)) break
    const cases = plan.latency.checkpointIntervalsMs
      .map((checkpointIntervalMs) => ({
        id: latencyCaseId(fraction, checkpointIntervalMs),
        fraction,
        checkpointIntervalMs,
        samples: [] as LatencySample[],
        errors: [] as string[],
      }))
      .filter((c) => wanted(c.id))
    if (cases.length === 0) continue
    options.progress(
      `  building the ${Math.round(fraction * 100)}% load (${Math.round(fraction * capacityRate).toLocaleString('en-US')} samples/s)…`,
    )
    const l = plan.latency
    const base = { warmupSeconds: l.warmupSeconds, seconds: l.seconds }
    const pool = buildLatencyPool(l, fraction * capacityRate, { ...base, checkpointIntervalMs: 1_000 })
    for (let run = 1; run <= plan.runs; run++) {
      for (const c of cases) {
        try {
          const s = await withTempDir(options.dataRoot, 'engine-latency', (dir) =>
            measureLatency(l, pool, dir, { ...base, checkpointIntervalMs: c.checkpointIntervalMs }),
          )
          c.samples.push(s)
          const q = summarize(s.latenciesMs)
          options.progress(
            `  run ${run}/${plan.runs} ${c.id.padEnd(30)} acked ${Math.round(s.ackedSamplesPerSecond).toLocaleString('en-US')}/s ` +
              `of ${Math.round(s.offeredSamplesPerSecond).toLocaleString('en-US')}/s, ${s.latenciesMs.length} windows, ` +
              `median ${q.median.toFixed(0)} ms, p99 ${percentile(s.latenciesMs, 99).toFixed(0)} ms, max ${q.max.toFixed(0)} ms, ` +
              `missing ${s.missing}, server CPU ${s.serverCpuCores.toFixed(2)}`,
          )
        } catch (err) {
          c.errors.push(message(err))
          options.progress(`  run ${run}/${plan.runs} ${c.id}: FAILED: ${message(err)}`)
        }
      }
    }
    latency.push(...cases)
  }

  return renderEngineReport({
    plan,
    command: options.command,
    machine: options.machine,
    throughput,
    snapshots,
    latency,
    maxRate,
    capacityUpper: upper,
    capacityRate,
    probes,
    maxRateMeasured: !plan.quick && measuredMax !== undefined,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  })
}

/** What an overloaded server turned into results per second (never more than it acknowledged). */
const sustainedRate = (s: LatencySample): number =>
  Math.min(s.ackedSamplesPerSecond, s.processedSamplesPerSecond)

const latencyCaseId = (fraction: number, checkpointIntervalMs: number): string =>
  `latency/${Math.round(fraction * 100)}%/checkpoint-${checkpointIntervalMs}ms`

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
