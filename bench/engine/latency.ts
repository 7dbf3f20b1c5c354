import { spawn } from 'node:child_process'
import * as http from 'node:http'
import * as path from 'node:path'
import * as readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { buildPayloads } from '../../src/gen/payload-builders.js'
import { processCpuSeconds } from '../ingest/proc-stats.js'
import type { LatencyPlan } from './plan.js'

/** Pre-encoded remote_write requests, request `i` at event time `startMs + i·stepMs`. */
export interface LatencyPool {
  readonly bodies: readonly Buffer[]
  readonly tsMs: readonly number[]
  readonly samplesPerRequest: number
  readonly stepMs: number
  readonly startMs: number
  readonly bytes: number
}

export interface LatencySample {
  readonly offeredSamplesPerSecond: number
  /** Samples in 2xx-acknowledged requests per second over the measured window. */
  readonly ackedSamplesPerSecond: number
  /**
   * Samples per second whose results became visible during the measured window (the count of the
   * smallest window's first-revision rows): what ingest and the engine together turned into results.
   */
  readonly processedSamplesPerSecond: number
  /** Window-end latencies in ms (one per task and window end of the smallest window). */
  readonly latenciesMs: readonly number[]
  /** Window ends whose ack was seen but whose result never became visible before the server stopped. */
  readonly missing: number
  readonly failures: number
  /** Largest delay of a measured request's send behind its schedule (client or server fell behind). */
  readonly maxSendLagMs: number
  readonly serverCpuCores: number
  readonly rowsPerWindow: number
}

const serverMain = fileURLToPath(new URL('./latency-server.js', import.meta.url))
const nowMs = (): number => performance.timeOrigin + performance.now()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
/** Extra load after the measured window, so its last window ends close. */
const TAIL_SECONDS = 2
/** How long results may take to show after the load stopped before the server is stopped. */
const DRAIN_MS = 5_000
const MAX_IN_FLIGHT = 64

/** One run's timing. */
export interface LatencyRunSpec {
  readonly checkpointIntervalMs: number
  readonly warmupSeconds: number
  readonly seconds: number
}

/** Builds the pool of one load level with the `vigil gen` remote_write builder (5 services). */
export function buildLatencyPool(
  plan: LatencyPlan,
  samplesPerSecond: number,
  run: LatencyRunSpec,
): LatencyPool {
  // Whole-ms spacing for about `plan.samplesPerRequest` per request, then the size that gives the rate.
  const stepMs = Math.max(1, Math.round((plan.samplesPerRequest * 1000) / samplesPerSecond))
  const samplesPerRequest = Math.max(1, Math.round((samplesPerSecond * stepMs) / 1000))
  const count = Math.ceil(((run.warmupSeconds + run.seconds + TAIL_SECONDS) * 1000) / stepMs)
  const startMs = Math.floor(Date.now() / 60_000) * 60_000
  const payloads = buildPayloads(
    {
      signals: ['metrics'],
      metricsProtocol: 'remote_write',
      services: 5,
      series: plan.series,
      incidents: [],
      seed: 1,
      batch: { metrics: samplesPerRequest, logs: 500, traces: 500 },
    },
    count,
    startMs,
    stepMs,
  )
  return {
    bodies: payloads.map((p) => p.body),
    tsMs: payloads.map((p) => p.tsMs),
    samplesPerRequest: payloads.reduce((n, p) => n + p.records, 0) / payloads.length,
    stepMs,
    startMs,
    bytes: payloads.reduce((n, p) => n + p.body.length, 0),
  }
}

/** The config of the latency server: rollups only, watermarks with no slack, short idle timeout. */
export function latencyServerConfig(
  plan: LatencyPlan,
  dataDir: string,
  run: LatencyRunSpec,
): Record<string, unknown> {
  return {
    log: { dataDir },
    ingest: { host: '127.0.0.1', port: 0 },
    auth: { mode: 'none' },
    engine: {
      checkpointInterval: run.checkpointIntervalMs,
      maxOutOfOrderness: 0,
      idleTimeout: plan.idleTimeoutMs,
      allowedLateness: 0,
      tasks: 2,
    },
    jobs: {
      rollups: { enabled: true, windows: plan.windowsMs },
      red: { enabled: false, windows: [10_000] },
      logCounts: { enabled: false, windows: [60_000] },
    },
  }
}

interface Visible {
  readonly partition: number
  readonly windowEnd: number
  readonly atMs: number
  readonly rows: number
  readonly samples: number
}

interface Sent {
  readonly scheduledMs: number
  sentMs: number
  ackMs: number
  ok: boolean
}

/**
 * One latency run on a fresh server: replays the pool on schedule (request `i` at `t0 + i·stepMs`,
 * so event time advances like wall time), then per window end W of the smallest window (in the
 * measured part) and per task: latency = (W's result first visible read_committed on the task's
 * partition of vigil.results.rollups) − (earliest 2xx of a request whose samples have ts ≥ W).
 */
export async function measureLatency(
  plan: LatencyPlan,
  pool: LatencyPool,
  dataDir: string,
  run: LatencyRunSpec,
): Promise<LatencySample> {
  const config = latencyServerConfig(plan, path.join(dataDir, 'vigil-data'), run)
  const child = spawn(process.execPath, [serverMain, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8192)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const kill = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000)
  const visible: Visible[] = []
  let port: number | undefined
  let readyResolve: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (readyResolve = resolve))
  const lines = readline.createInterface({ input: child.stdout })
  lines.on('line', (line) => {
    const f = line.split(' ')
    if (f[0] === 'ready') {
      port = Number(f[1])
      readyResolve()
    } else if (f[0] === 'visible')
      visible.push({
        partition: Number(f[1]),
        windowEnd: Number(f[2]),
        atMs: Number(f[3]),
        rows: Number(f[4]),
        samples: Number(f[6]),
      })
  })
  try {
    const started = await Promise.race([ready.then(() => true), exited.then(() => false)])
    if (!started || port === undefined) throw new Error(`latency server did not start:\n${stderr}`)
    const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections })
    const sent: Sent[] = []
    const t0 = nowMs() + 50
    let next = 0
    let inFlight = 0
    let cpu0 = 0
    let measureFrom = 0
    let measureTo = 0
    const warmupRequests = Math.round((run.warmupSeconds * 1000) / pool.stepMs)
    const measuredRequests = Math.round((run.seconds * 1000) / pool.stepMs)
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        const now = nowMs()
        while (next < pool.bodies.length && inFlight < MAX_IN_FLIGHT && t0 + next * pool.stepMs <= now) {
          const i = next++
          const s: Sent = { scheduledMs: t0 + i * pool.stepMs, sentMs: nowMs(), ackMs: 0, ok: false }
          sent.push(s)
          if (i === warmupRequests) {
            measureFrom = s.sentMs
            cpu0 = processCpuSeconds(child.pid ?? 0)
          }
          if (i === warmupRequests + measuredRequests) measureTo = s.sentMs
          inFlight++
          void send(agent, port!, pool.bodies[i]!).then((ok) => {
            s.ackMs = nowMs()
            s.ok = ok
            inFlight--
            if (next >= pool.bodies.length && inFlight === 0) resolve()
          })
        }
        if (next < pool.bodies.length) setTimeout(pump, 1)
      }
      pump()
    })
    const serverCpu = processCpuSeconds(child.pid ?? 0) - cpu0
    const lastAck = Math.max(...sent.map((s) => s.ackMs))
    agent.destroy()
    // Let the last windows' results land (the watermark needs no more data past them).
    const lastW = windowEnds(pool, plan, warmupRequests, measuredRequests).at(-1) ?? 0
    const deadline = lastAck + DRAIN_MS
    while (nowMs() < deadline && !(visible.filter((v) => v.windowEnd >= lastW).length >= 2)) await sleep(20)

    const acked = sent.filter((s, i) => s.ok && i >= warmupRequests && i < warmupRequests + measuredRequests)
    const measuredSeconds = (measureTo - measureFrom) / 1000
    const latencies: number[] = []
    let missing = 0
    let rows = 0
    let rowWindows = 0
    for (const w of windowEnds(pool, plan, warmupRequests, measuredRequests)) {
      let ack = Number.POSITIVE_INFINITY
      for (let i = 0; i < sent.length; i++) {
        const s = sent[i]!
        if (s.ok && pool.tsMs[i]! >= w && s.ackMs < ack) ack = s.ackMs
      }
      if (!Number.isFinite(ack)) continue
      for (let p = 0; p < 2; p++) {
        let at = Number.POSITIVE_INFINITY
        for (const v of visible) {
          if (v.partition !== p || v.windowEnd < w) continue
          if (v.atMs < at) at = v.atMs
          if (v.windowEnd === w) {
            rows += v.rows
            rowWindows++
          }
        }
        if (Number.isFinite(at)) latencies.push(at - ack)
        else missing++
      }
    }
    let processed = 0
    for (const v of visible) if (v.atMs >= measureFrom && v.atMs < measureTo) processed += v.samples
    return {
      processedSamplesPerSecond: processed / (measuredSeconds > 0 ? measuredSeconds : Number.NaN),
      offeredSamplesPerSecond: (pool.samplesPerRequest * 1000) / pool.stepMs,
      ackedSamplesPerSecond:
        (acked.length * pool.samplesPerRequest) / (measuredSeconds > 0 ? measuredSeconds : Number.NaN),
      latenciesMs: latencies,
      missing,
      failures: sent.filter((s) => !s.ok).length,
      maxSendLagMs: Math.max(
        0,
        ...sent.slice(warmupRequests, warmupRequests + measuredRequests).map((s) => s.sentMs - s.scheduledMs),
      ),
      serverCpuCores: serverCpu / measuredSeconds,
      rowsPerWindow: rowWindows === 0 ? 0 : rows / rowWindows,
    }
  } finally {
    lines.close()
    child.kill('SIGTERM')
    await exited
    clearTimeout(kill)
  }
}

/** Window ends (multiples of the smallest window) reached by the measured requests' event times. */
function windowEnds(
  pool: LatencyPool,
  plan: LatencyPlan,
  warmupRequests: number,
  measuredRequests: number,
): number[] {
  const size = Math.min(...plan.windowsMs)
  const from = pool.tsMs[warmupRequests] ?? 0
  const to = pool.tsMs[warmupRequests + measuredRequests - 1] ?? 0
  const out: number[] = []
  for (let w = Math.ceil(from / size) * size; w <= to; w += size) out.push(w)
  return out
}

function send(agent: http.Agent, port: number, body: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/write',
        agent,
        timeout: 30_000,
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'content-length': String(body.length),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300))
        res.on('error', () => resolve(false))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end(body)
  })
}
