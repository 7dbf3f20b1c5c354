import { summarize } from '../stats.js'
import { withTempDir } from '../temp-dir.js'
import { buildLatencyPool, measureLatency } from './latency.js'
import type { LatencySample } from './latency.js'
import type { LatencyPlan } from './plan.js'

/** One probe of the capacity search: a load and whether the server sustained it. */
export interface CapacityProbe {
  readonly rate: number
  readonly sample: LatencySample
  readonly sustained: boolean
  readonly why: string
}

/** Largest growth of the window latency from the first to the last third of a sustained run. */
const MAX_GROWTH_MS = 500
/** Largest delay of the load client behind its schedule in a sustained run. */
const MAX_SEND_LAG_MS = 1_000
/** Smallest acknowledged share of the offered load in a sustained run. */
const MIN_ACKED = 0.97

/**
 * Whether a run's load was sustained: everything offered was acknowledged on schedule, every
 * window's result showed, and the result latency did not grow over the run (a backlog that grows
 * means the load is above what ingest and the engine keep up with, however long it takes to show).
 * This is the "sustainable throughput" of streaming benchmarks: the highest load processed without
 * ever-growing latency.
 */
export function judgeSustained(s: LatencySample): { sustained: boolean; why: string } {
  const l = s.latenciesMs
  const third = Math.floor(l.length / 3)
  const growth =
    third === 0 ? 0 : summarize(l.slice(l.length - third)).median - summarize(l.slice(0, third)).median
  const reasons: string[] = []
  if (s.ackedSamplesPerSecond < MIN_ACKED * s.offeredSamplesPerSecond)
    reasons.push(
      `acked ${Math.round((100 * s.ackedSamplesPerSecond) / s.offeredSamplesPerSecond)}% of offered`,
    )
  if (s.failures > 0) reasons.push(`${s.failures} non-2xx`)
  if (s.missing > 0) reasons.push(`${s.missing} windows missing`)
  if (s.maxSendLagMs > MAX_SEND_LAG_MS) reasons.push(`send lag ${Math.round(s.maxSendLagMs)} ms`)
  if (growth > MAX_GROWTH_MS) reasons.push(`latency grew ${Math.round(growth)} ms`)
  return reasons.length === 0
    ? { sustained: true, why: `latency growth ${Math.round(growth)} ms` }
    : { sustained: false, why: reasons.join(', ') }
}

/**
 * The sustained end-to-end capacity: from `upper` (what an overloaded server turned into results
 * per second, an upper bound) down in steps of `plan.capacity.probeStep` of it, the first load the
 * server sustains (judgeSustained). Each probe is a fresh server. Undefined when none of
 * `plan.capacity.probes` loads was sustained.
 */
export async function searchCapacity(
  plan: LatencyPlan,
  upper: number,
  dataRoot: string,
  progress: (line: string) => void,
): Promise<{ rate: number | undefined; probes: CapacityProbe[] }> {
  const cap = plan.capacity
  const probes: CapacityProbe[] = []
  for (let i = 0; i < cap.probes; i++) {
    const rate = upper * (1 - i * cap.probeStep)
    if (rate <= 0) break
    const spec = { checkpointIntervalMs: 1_000, warmupSeconds: cap.warmupSeconds, seconds: cap.probeSeconds }
    const pool = buildLatencyPool(plan, rate, spec)
    const sample = await withTempDir(dataRoot, 'engine-capacity-probe', (dir) =>
      measureLatency(plan, pool, dir, spec),
    )
    const verdict = judgeSustained(sample)
    probes.push({ rate: sample.offeredSamplesPerSecond, sample, ...verdict })
    progress(
      `  capacity probe ${Math.round(sample.offeredSamplesPerSecond).toLocaleString('en-US')} samples/s: ` +
        `${verdict.sustained ? 'sustained' : 'NOT sustained'} (${verdict.why})`,
    )
    if (verdict.sustained) return { rate: sample.offeredSamplesPerSecond, probes }
  }
  return { rate: undefined, probes }
}
