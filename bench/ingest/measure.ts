import { LoadRun, windowOf } from './load-client.js'
import type { LoadTarget, PoolEntry } from './load-client.js'
import { processCpuSeconds, processMemory } from './proc-stats.js'
import type { ServerUnderTest } from './server.js'

/** One measured window of one case on a fresh server. */
export interface IngestSample {
  readonly connections: number
  readonly seconds: number
  /** Records (samples, spans, lines) in requests acknowledged with a 2xx during the window. */
  readonly records: number
  readonly requests: number
  readonly bytesSent: number
  /** Outcomes other than a full 2xx during the window (`429`, `partial`, `error`…). */
  readonly failures: Readonly<Record<string, number>>
  /** CPU seconds of the server process and of the bench (load client) process during the window. */
  readonly serverCpuSeconds: number
  readonly clientCpuSeconds: number
  /** Server VmHWM (peak over its life, warm-up included) and VmRSS at the end of the window. */
  readonly peakRssBytes: number
  readonly endRssBytes: number
}

/** Records/s per connection count tried on the first run. */
export type ProbeResult = readonly { readonly connections: number; readonly recordsPerSecond: number }[]

export interface MeasureOptions {
  readonly server: ServerUnderTest
  readonly target: LoadTarget
  readonly pool: readonly PoolEntry[]
  readonly warmupSeconds: number
  readonly seconds: number
  /** A fixed connection count, or candidates to probe (each for `probeSeconds`) before measuring with the best. */
  readonly connections: number | { readonly candidates: readonly number[]; readonly probeSeconds: number }
}

const sleep = (seconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, seconds * 1000))
/** Time a probe run settles (sockets opened, pipeline full) before its window opens. */
const PROBE_SETTLE_SECONDS = 0.3

export async function measureCase(
  o: MeasureOptions,
): Promise<{ sample: IngestSample; probe: ProbeResult | undefined }> {
  let connections: number
  let probe: ProbeResult | undefined
  let next = 0
  if (typeof o.connections === 'number') connections = o.connections
  else {
    const results: { connections: number; recordsPerSecond: number }[] = []
    for (const [i, n] of o.connections.candidates.entries()) {
      const run = new LoadRun(o.target, o.pool, n, next)
      await sleep(i === 0 ? o.warmupSeconds : PROBE_SETTLE_SECONDS)
      const a = run.snapshot()
      await sleep(o.connections.probeSeconds)
      const w = windowOf(a, run.snapshot())
      await run.stop()
      next = run.nextEntry
      results.push({ connections: n, recordsPerSecond: w.ackedRecords / (w.atMs / 1000) })
    }
    probe = results
    connections = results.reduce((best, r) =>
      r.recordsPerSecond > best.recordsPerSecond ? r : best,
    ).connections
  }
  const pid = o.server.pid
  const run = new LoadRun(o.target, o.pool, connections, next)
  await sleep(o.warmupSeconds)
  const serverCpu0 = processCpuSeconds(pid)
  const clientCpu0 = process.cpuUsage()
  const a = run.snapshot()
  await sleep(o.seconds)
  const b = run.snapshot()
  const serverCpu1 = processCpuSeconds(pid)
  const clientCpu = process.cpuUsage(clientCpu0)
  const memory = processMemory(pid)
  await run.stop()
  const w = windowOf(a, b)
  return {
    probe,
    sample: {
      connections,
      seconds: w.atMs / 1000,
      records: w.ackedRecords,
      requests: w.requests,
      bytesSent: w.bytesSent,
      failures: w.failures,
      serverCpuSeconds: serverCpu1 - serverCpu0,
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      peakRssBytes: memory.peakRssBytes,
      endRssBytes: memory.rssBytes,
    },
  }
}
