import { createDefaultEngineConfig } from '../../src/engine/config/index.js'
import type { EngineConfig, JobsConfig } from '../../src/engine/config/index.js'
import { EngineHost } from '../../src/engine/host/engine-host.js'
import type { WorkerTaskStatus } from '../../src/engine/host/worker-messages.js'
import { INGEST_TOPICS } from '../../src/ingest/http/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { withTempDir } from '../temp-dir.js'
import type { EngineBenchPlan, ThroughputCaseSpec } from './plan.js'
import { prefillMetrics } from './prefill.js'
import type { PrefillResult } from './prefill.js'

/** One commit a task reported (deduplicated by task and epoch). */
export interface CommitObservation {
  readonly task: number
  readonly epoch: number
  readonly commitMs: number
  readonly snapshotBytes: number
}

export interface ThroughputSample {
  /** Samples the engine read in `seconds` (all of the pre-fill, unless the run hit the time cap). */
  readonly samples: number
  readonly prefilledSamples: number
  /** The run stopped at the time cap before the end of the input. */
  readonly capped: boolean
  /** From the engine's workers running (start() resolved) to every task at its end offsets. */
  readonly seconds: number
  /** Seconds until the first status showing every task at its end (upper bound of `seconds`). */
  readonly secondsToStatus: number
  /** Process CPU (all threads) over the run, in cores. */
  readonly cpuCores: number
  readonly commits: readonly CommitObservation[]
  readonly resultRecords: number
  readonly prefill: PrefillResult
}

export const ROLLUP_JOBS: JobsConfig = {
  rollups: { enabled: true, windows: [10_000, 60_000] },
  red: { enabled: false, windows: [10_000] },
  logCounts: { enabled: false, windows: [60_000] },
  detect: {
    enabled: false,
    minScore: 0.5,
    maxSeriesPerTask: 100_000,
    idleTimeout: 3_600_000,
    detector: {},
    shadow: null,
  },
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
const POLL_MS = 5
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Pre-fills a fresh embedded log (fsync none: the pre-fill is not what is measured) with the case's
 * `steps` steps of `series` series, event time advancing by its `stepMs` per step, then starts an EngineHost running the rollups job only (2 tasks on 2
 * worker threads, the log served from this thread as in `vigil start`) and waits until every task's
 * positions reach the end offsets. Workers report their status about once a second, so the end
 * is interpolated: the last status before the end plus the remaining records at the rate of the
 * status interval before it (never past the first status at the end).
 */
export async function measureThroughput(
  plan: EngineBenchPlan,
  spec: ThroughputCaseSpec,
  dataRoot: string,
): Promise<ThroughputSample> {
  const { series, steps, stepMs, maxSeconds } = spec
  return withTempDir(dataRoot, 'engine', async (dir) => {
    const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none', maintenanceIntervalMs: 0 })
    try {
      const topic = INGEST_TOPICS.metrics
      await log.createTopic(topic, { partitions: plan.partitions })
      const prefill = await prefillMetrics(log, topic, {
        partitions: plan.partitions,
        series,
        steps,
        batchSamples: plan.batchSamples,
        startMs: Date.UTC(2026, 0, 1),
        stepMs,
      })
      const engine: EngineConfig = {
        ...createDefaultEngineConfig(),
        tasks: plan.tasks,
        checkpointInterval: plan.checkpointIntervalMs,
      }
      const host = new EngineHost(log, { engine, jobs: ROLLUP_JOBS, topics: INGEST_TOPICS, logger: silent })
      await host.start()
      const t0 = performance.now()
      const cpu0 = process.cpuUsage()
      try {
        const progress = await waitForEnd(host, prefill.endOffsets, topic, t0 + maxSeconds * 1000)
        const cpu = process.cpuUsage(cpu0)
        const tEnd = performance.now()
        const resultTopic = await log.describeTopic('vigil.results.rollups')
        const resultRecords = (resultTopic?.partitions ?? []).reduce((n, p) => n + p.highWatermark, 0)
        const totalRecords = prefill.endOffsets.reduce((a, b) => a + b, 0)
        return {
          samples: progress.capped
            ? (prefill.samples * progress.recordsRead) / totalRecords
            : prefill.samples,
          prefilledSamples: prefill.samples,
          capped: progress.capped,
          seconds: (progress.endMs - t0) / 1000,
          secondsToStatus: (progress.seenMs - t0) / 1000,
          cpuCores: (cpu.user + cpu.system) / 1000 / (tEnd - t0),
          commits: progress.commits,
          resultRecords,
          prefill,
        }
      } finally {
        await host.shutdown()
      }
    } finally {
      await log.close()
    }
  })
}

interface Point {
  readonly atMs: number
  readonly read: number
}

async function waitForEnd(
  host: EngineHost,
  endOffsets: readonly number[],
  topic: string,
  capAtMs: number,
): Promise<{
  endMs: number
  seenMs: number
  commits: CommitObservation[]
  capped: boolean
  recordsRead: number
}> {
  const commits = new Map<string, CommitObservation>()
  const history = new Map<number, Point[]>()
  const seen = new Map<number, number>()
  for (;;) {
    const now = performance.now()
    if (now > capAtMs) {
      // Time cap: the rate is what was read by the last status reports (records of ~equal size).
      let read = 0
      let lastAt = 0
      for (const points of history.values()) {
        const last = points[points.length - 1]
        read += last?.read ?? 0
        lastAt = Math.max(lastAt, last?.atMs ?? 0)
      }
      return { endMs: lastAt, seenMs: now, commits: [...commits.values()], capped: true, recordsRead: read }
    }
    const tasks = host.status().tasks.filter((t) => t.job === 'rollups')
    for (const t of tasks) {
      if (t.lastCommitMs > 0) {
        const k = `${t.task}/${t.epoch}`
        if (!commits.has(k))
          commits.set(k, {
            task: t.task,
            epoch: t.epoch,
            commitMs: t.lastCommitMs,
            snapshotBytes: t.lastSnapshotBytes,
          })
      }
      const points = history.get(t.task) ?? []
      history.set(t.task, points)
      const last = points[points.length - 1]
      if (last === undefined || last.read !== t.recordsRead) points.push({ atMs: now, read: t.recordsRead })
      if (!seen.has(t.task) && atEnd(t, endOffsets, topic)) seen.set(t.task, now)
    }
    const expected = Math.min(host.status().workers, endOffsets.length)
    if (seen.size >= expected && expected > 0) break
    await sleep(POLL_MS)
  }
  let endMs = 0
  let seenMs = 0
  for (const [task, at] of seen) {
    seenMs = Math.max(seenMs, at)
    endMs = Math.max(endMs, interpolate(history.get(task) ?? [], at))
  }
  return { endMs, seenMs, commits: [...commits.values()], capped: false, recordsRead: 0 }
}

function atEnd(t: WorkerTaskStatus, endOffsets: readonly number[], topic: string): boolean {
  if (t.positions.length === 0) return false
  return t.positions.every(([key, offset]) => {
    const partition = Number(key.slice(topic.length + 1))
    return offset >= (endOffsets[partition] ?? 0)
  })
}

/** Where between the last two status points the records ran out, at the previous interval's rate. */
function interpolate(points: readonly Point[], seenMs: number): number {
  const n = points.length
  const final = points[n - 1]
  const before = points[n - 2]
  const earlier = points[n - 3]
  if (final === undefined || before === undefined || earlier === undefined) return seenMs
  const rate = (before.read - earlier.read) / (before.atMs - earlier.atMs)
  if (!(rate > 0)) return seenMs
  return Math.min(seenMs, before.atMs + (final.read - before.read) / rate)
}
