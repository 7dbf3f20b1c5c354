import { parentPort, workerData } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import { systemClock } from '../../core/index.js'
import type { EngineConfig, JobsConfig } from '../config/index.js'
import { ANOMALY_TOPIC, builtInJobs, lateTopic, resultTopic } from '../jobs/built-in/built-in-jobs.js'
import type { JobInputTopics } from '../jobs/built-in/built-in-jobs.js'
import { TaskRunner } from '../runtime/task-runner.js'
import { RemoteLog } from './log-port.js'
import { assignPartitions } from './task-assignment.js'
import { TaskLoop } from './task-loop.js'
import type { LoopTask } from './task-loop.js'
import type { WorkerStatusMessage } from './worker-messages.js'

/** What the host hands an engine worker thread (structured-cloneable). */
export interface EngineWorkerData {
  readonly task: number
  readonly engine: EngineConfig
  readonly jobs: JobsConfig
  readonly topics: JobInputTopics
  /** Partition count of each job's input topic. */
  readonly inputPartitions: Readonly<Record<string, number>>
  readonly logPort: MessagePort
}

/**
 * An engine worker thread: runs task `task` of every enabled built-in job (docs/engine.md#threads)
 * over the main thread's log, until the host says `stop`; then commits and says `stopped`.
 */
async function main(): Promise<void> {
  const data = workerData as EngineWorkerData
  const port = parentPort!
  const log = new RemoteLog(data.logPort)
  const tasks: LoopTask[] = []
  for (const job of builtInJobs(data.jobs, data.engine, data.topics)) {
    const inputs = assignPartitions(
      job.inputTopic,
      data.inputPartitions[job.name] ?? 0,
      data.task,
      data.engine.tasks,
    )
    if (inputs.length === 0) continue
    const anomalyTopic = data.jobs.detect.enabled ? ANOMALY_TOPIC : undefined
    const runner = new TaskRunner(log, job.createTask(data.task, resultTopic(job.name), anomalyTopic), {
      task: data.task,
      tasks: data.engine.tasks,
      inputs,
      clock: systemClock,
      checkpointIntervalMs: data.engine.checkpointInterval,
      ...(data.engine.resultCommitDelay > 0 ? { outputCommitDelayMs: data.engine.resultCommitDelay } : {}),
      watermarks: {
        maxOutOfOrdernessMs: data.engine.maxOutOfOrderness,
        idleTimeoutMs: data.engine.idleTimeout,
      },
      sideTopic: lateTopic(job.name),
      overlapCommits: true,
    })
    tasks.push({ job: job.name, task: data.task, runner })
  }
  const loop = new TaskLoop(tasks, {
    nowMs: () => systemClock.nowMs(),
    onStatus: (statuses) =>
      port.postMessage({
        t: 'status',
        tasks: statuses.map(({ job, task, status }) => ({
          job,
          task,
          epoch: status.epoch,
          watermarkMs: status.watermarkMs,
          recordsRead: status.recordsRead,
          positions: [...status.positions],
          counters: [...status.counters],
          lastCommitMs: status.lastCommitMs,
          lastSnapshotBytes: status.lastSnapshotBytes,
        })),
      } satisfies WorkerStatusMessage),
  })
  port.on('message', (msg: { t: string }) => {
    if (msg.t === 'stop') loop.stop()
  })
  port.postMessage({ t: 'started', tasks: tasks.length })
  await loop.run()
  port.postMessage({ t: 'stopped' })
  await log.close()
  data.logPort.close()
  port.close()
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err))
  parentPort?.postMessage({ t: 'failed', error: { name: e.name, message: e.message, stack: e.stack } })
  // The host terminates this thread on `failed` and starts a new one from the last checkpoint.
})
