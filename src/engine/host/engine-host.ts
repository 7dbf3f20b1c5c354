import { MessageChannel, Worker } from 'node:worker_threads'
import type { Log } from '../../log/index.js'
import type { EngineConfig, JobsConfig } from '../config/index.js'
import { ANOMALY_TOPIC, builtInJobs, lateTopic, resultTopic } from '../jobs/built-in/built-in-jobs.js'
import type { JobInputTopics } from '../jobs/built-in/built-in-jobs.js'
import type { EngineWorkerData } from './engine-worker.js'
import { serveLog } from './log-port.js'
import type { WorkerMessage, WorkerTaskStatus } from './worker-messages.js'

export interface EngineHostLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface EngineHostSettings {
  readonly engine: EngineConfig
  readonly jobs: JobsConfig
  readonly topics: JobInputTopics
  readonly logger: EngineHostLogger
  /** Milliseconds a stopping worker gets to commit before it is terminated (default 15 s). */
  readonly stopTimeoutMs?: number
}

export interface EngineStatus {
  readonly workers: number
  readonly restarts: number
  readonly tasks: readonly WorkerTaskStatus[]
}

interface Slot {
  readonly task: number
  worker: Worker | undefined
  statuses: readonly WorkerTaskStatus[]
  stopped: Promise<void>
  restarts: number
}

/**
 * Runs the built-in jobs on worker threads (DESIGN.md §3: engine tasks on `worker_threads`, one
 * per partition group, so both cores work). Worker `i` runs task `i` of every enabled job; the log
 * stays in this thread and is served to the workers over message ports (`log-port.ts`).
 *
 * A worker that fails is replaced after a backoff (1 s doubling to 30 s); the new one fences the
 * old task instance and resumes from the last committed checkpoint, so nothing is lost or doubled.
 * `shutdown()` asks every worker to commit and waits for it (bounded by `stopTimeoutMs`).
 */
export class EngineHost {
  readonly #log: Log
  readonly #s: EngineHostSettings
  readonly #slots: Slot[] = []
  #inputPartitions: Record<string, number> = {}
  #closing = false

  constructor(log: Log, settings: EngineHostSettings) {
    this.#log = log
    this.#s = settings
  }

  /** Creates the result and late topics, then starts the workers and waits until each runs. */
  async start(): Promise<void> {
    const { engine, jobs, topics } = this.#s
    for (const job of builtInJobs(jobs, engine, topics)) {
      const input = await this.#log.describeTopic(job.inputTopic)
      if (input === undefined)
        throw new Error(`engine job ${job.name}: input topic ${job.inputTopic} does not exist`)
      this.#inputPartitions[job.name] = input.partitions.length
      await this.#log.createTopic(resultTopic(job.name), { partitions: engine.tasks })
      await this.#log.createTopic(lateTopic(job.name), { partitions: engine.tasks })
    }
    if (jobs.detect.enabled) await this.#log.createTopic(ANOMALY_TOPIC, { partitions: engine.tasks })
    for (let task = 0; task < engine.tasks; task++) {
      const slot: Slot = { task, worker: undefined, statuses: [], stopped: Promise.resolve(), restarts: 0 }
      this.#slots.push(slot)
    }
    await Promise.all(this.#slots.map((slot) => this.#spawn(slot)))
    this.#s.logger.info(
      { workers: engine.tasks, jobs: Object.keys(this.#inputPartitions) },
      'The engine is running the built-in jobs.',
    )
  }

  status(): EngineStatus {
    return {
      workers: this.#slots.filter((s) => s.worker !== undefined).length,
      restarts: this.#slots.reduce((n, s) => n + s.restarts, 0),
      tasks: this.#slots.flatMap((s) => s.statuses),
    }
  }

  async shutdown(): Promise<void> {
    this.#closing = true
    await Promise.all(
      this.#slots.map(async (slot) => {
        const worker = slot.worker
        if (worker === undefined) return
        worker.postMessage({ t: 'stop' })
        let timer: NodeJS.Timeout | undefined
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.#s.stopTimeoutMs ?? 15_000)
        })
        const outcome = await Promise.race([slot.stopped.then(() => 'stopped' as const), timeout])
        clearTimeout(timer)
        if (outcome === 'timeout') {
          this.#s.logger.warn({ task: slot.task }, 'An engine worker did not commit in time; terminating it.')
        }
        await worker.terminate()
        slot.worker = undefined
      }),
    )
  }

  /** Starts the slot's worker; resolves once it reported `started` (rejects if it failed first). */
  #spawn(slot: Slot): Promise<void> {
    const channel = new MessageChannel()
    serveLog(this.#log, channel.port1)
    const data: EngineWorkerData = {
      task: slot.task,
      engine: this.#s.engine,
      jobs: this.#s.jobs,
      topics: this.#s.topics,
      inputPartitions: this.#inputPartitions,
      logPort: channel.port2,
    }
    const worker = new Worker(new URL('./engine-worker.js', import.meta.url), {
      workerData: data,
      transferList: [channel.port2],
    })
    slot.worker = worker
    let markStopped: () => void = () => undefined
    slot.stopped = new Promise((resolve) => (markStopped = resolve))
    return new Promise<void>((resolve, reject) => {
      let started = false
      const fail = (why: string): void => {
        channel.port1.close()
        markStopped()
        if (slot.worker !== worker) return
        slot.worker = undefined
        void worker.terminate()
        if (!started) {
          reject(new Error(`engine worker ${slot.task} failed to start: ${why}`))
          return
        }
        if (this.#closing) return
        slot.restarts++
        const delay = Math.min(30_000, 1_000 * 2 ** Math.min(5, slot.restarts - 1))
        this.#s.logger.error(
          { task: slot.task, why, retryInMs: delay },
          'An engine worker failed; restarting it.',
        )
        setTimeout(() => {
          if (this.#closing) return
          this.#spawn(slot).catch((err: unknown) =>
            this.#s.logger.error({ task: slot.task, err }, 'An engine worker failed to restart.'),
          )
        }, delay).unref()
      }
      worker.on('message', (msg: WorkerMessage) => {
        switch (msg.t) {
          case 'started':
            started = true
            resolve()
            break
          case 'status':
            slot.statuses = msg.tasks
            break
          case 'stopped':
            markStopped()
            break
          case 'failed':
            fail(`${msg.error.name}: ${msg.error.message}`)
            break
        }
      })
      worker.on('error', (err) => fail(err.message))
      worker.on('exit', (code) => {
        if (slot.worker === worker && !this.#closing) fail(`exit code ${code}`)
        else markStopped()
      })
    })
  }
}
