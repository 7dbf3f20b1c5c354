import type { Clock } from '../../core/index.js'
import { PipelineError } from '../../core/index.js'
import type { Log } from '../../log/index.js'
import type { EngineConfig } from '../config/index.js'
import { assignPartitions } from '../host/task-assignment.js'
import { TaskLoop } from '../host/task-loop.js'
import type { LoopTask } from '../host/task-loop.js'
import { lateTopic, resultTopic } from '../jobs/built-in/built-in-jobs.js'
import type { BuiltInJob } from '../jobs/built-in/built-in-jobs.js'
import { TaskRunner } from '../runtime/task-runner.js'
import { ReplayCatalog } from './replay-catalog.js'
import type { ReplayRecord } from './replay-catalog.js'
import type { ReplayBound } from './replay-bound.js'

export interface ReplaySpec {
  readonly job: BuiltInJob
  readonly engine: EngineConfig
  readonly from: ReplayBound
  readonly to: ReplayBound
  /** Resume this earlier, interrupted replay instead of starting a new version. */
  readonly resume?: number
}

export interface ReplayProgress {
  readonly version: number
  readonly outputTopic: string
  /** Input records (batches) processed and to process in total. */
  readonly done: number
  readonly total: number
  readonly elapsedMs: number
  /** Estimated time left at the rate so far (undefined until there is a rate). */
  readonly etaMs: number | undefined
}

export interface ReplayOutcome extends ReplayProgress {
  /** False when `stop()` interrupted it (committed so far; `resume` continues it). */
  readonly complete: boolean
}

/**
 * Kappa-style reprocessing of a job (docs/engine.md#replay): the retained input between two bounds
 * runs through the same job code into a new, versioned result topic `vigil.results.<job>.v<N>`
 * (late records to `vigil.late.<job>.v<N>`), with its own state topic and consumer group
 * (`vigil.replay.<job>.v<N>`, which ingest's lag-based backpressure ignores), so the live run and
 * its output are untouched. The same exactly-once epochs apply: an interrupted replay resumes from
 * its last checkpoint (`resume`). When every input reached its end, the operators emit what they
 * hold (`onEnd`) and the replay is complete. Switching readers over is a separate, explicit step
 * (`vigil replay switch`).
 */
export class Replay {
  readonly #log: Log
  readonly #spec: ReplaySpec
  readonly #clock: Clock
  #loop: TaskLoop | undefined
  #stopped = false

  constructor(log: Log, spec: ReplaySpec, clock: Clock) {
    this.#log = log
    this.#spec = spec
    this.#clock = clock
  }

  /** Interrupts the replay after the current poll; what was processed is committed. */
  stop(): void {
    this.#stopped = true
    this.#loop?.stop()
  }

  async run(onProgress: (p: ReplayProgress) => void = () => undefined): Promise<ReplayOutcome> {
    const { job, engine } = this.#spec
    const catalog = new ReplayCatalog(this.#log)
    await catalog.ensureTopics()
    const input = await this.#log.describeTopic(job.inputTopic)
    if (input === undefined) {
      throw new PipelineError(
        `job ${job.name}: its input topic ${job.inputTopic} does not exist (nothing to replay)`,
        {
          code: 'replay_no_input',
          domain: 'user',
          retryable: false,
        },
      )
    }
    const record = await this.#plan(catalog, input.partitions.length)
    const outputTopic = record.outputTopic
    await this.#log.createTopic(outputTopic, { partitions: engine.tasks })
    await this.#log.createTopic(`${lateTopic(job.name)}.v${record.version}`, { partitions: engine.tasks })
    await catalog.putReplay(record, this.#clock.nowMs())

    const starts = new Map(Object.entries(record.startOffsets))
    const ends = new Map(Object.entries(record.endOffsets))
    const tasks: LoopTask[] = []
    for (let task = 0; task < engine.tasks; task++) {
      const inputs = assignPartitions(job.inputTopic, input.partitions.length, task, engine.tasks)
      if (inputs.length === 0) continue
      const runner = new TaskRunner(this.#log, job.createTask(task, outputTopic), {
        task,
        tasks: engine.tasks,
        inputs,
        clock: this.#clock,
        checkpointIntervalMs: engine.checkpointInterval,
        watermarks: { maxOutOfOrdernessMs: engine.maxOutOfOrderness, idleTimeoutMs: engine.idleTimeout },
        instance: `${job.name}.v${record.version}`,
        group: `vigil.replay.${job.name}.v${record.version}`,
        sideTopic: `${lateTopic(job.name)}.v${record.version}`,
        startOffsets: starts,
        endOffsets: ends,
        overlapCommits: true,
      })
      tasks.push({ job: job.name, task, runner })
    }

    let total = 0
    for (const [k, end] of ends) total += Math.max(0, end - (starts.get(k) ?? 0))
    const startedAt = this.#clock.nowMs()
    let firstDone: number | undefined
    let last: ReplayProgress = {
      version: record.version,
      outputTopic,
      done: 0,
      total,
      elapsedMs: 0,
      etaMs: undefined,
    }
    const loop = new TaskLoop(tasks, {
      nowMs: () => this.#clock.nowMs(),
      statusEveryMs: 250,
      onStatus: (statuses) => {
        let done = 0
        for (const { status } of statuses) {
          for (const [k, pos] of status.positions) done += Math.max(0, pos - (starts.get(k) ?? 0))
        }
        firstDone ??= done // a resumed replay's earlier progress does not count towards the rate
        const elapsedMs = this.#clock.nowMs() - startedAt
        const rate = elapsedMs > 0 ? (done - firstDone) / elapsedMs : 0
        const etaMs = rate > 0 ? (total - done) / rate : undefined
        last = { version: record.version, outputTopic, done, total, elapsedMs, etaMs }
        onProgress(last)
      },
    })
    this.#loop = loop
    if (this.#stopped) loop.stop()
    await loop.run()
    const complete = !this.#stopped
    if (complete) {
      await catalog.putReplay(
        { ...record, state: 'complete', completedAt: new Date(this.#clock.nowMs()).toISOString() },
        this.#clock.nowMs(),
      )
    }
    return { ...last, done: complete ? total : last.done, etaMs: complete ? 0 : last.etaMs, complete }
  }

  /** A new version with its bounds resolved now, or the recorded plan of the replay being resumed. */
  async #plan(catalog: ReplayCatalog, partitions: number): Promise<ReplayRecord> {
    const { job, resume } = this.#spec
    const known = (await catalog.replays()).filter((r) => r.job === job.name)
    if (resume !== undefined) {
      const r = known.find((k) => k.version === resume)
      if (r === undefined) {
        throw new PipelineError(`no replay v${resume} of job ${job.name} to resume (see vigil replay list)`, {
          code: 'replay_not_found',
          domain: 'user',
          retryable: false,
        })
      }
      return r
    }
    const topics = await this.#log.listTopics()
    const prefix = `${resultTopic(job.name)}.v`
    let version = 0
    for (const t of topics) {
      if (t.name.startsWith(prefix)) version = Math.max(version, Number(t.name.slice(prefix.length)) || 0)
    }
    for (const r of known) version = Math.max(version, r.version)
    version++
    const startOffsets: Record<string, number> = {}
    const endOffsets: Record<string, number> = {}
    const described = await this.#log.describeTopic(job.inputTopic)
    for (let p = 0; p < partitions; p++) {
      const d = described!.partitions.find((x) => x.partition === p)!
      const k = `${job.inputTopic}/${p}`
      startOffsets[k] = await this.#resolve(this.#spec.from, p, d.logStartOffset, d.lastStableOffset)
      endOffsets[k] = Math.max(
        startOffsets[k],
        await this.#resolve(this.#spec.to, p, d.logStartOffset, d.lastStableOffset),
      )
    }
    return {
      job: job.name,
      version,
      outputTopic: resultTopic(job.name, version),
      state: 'running',
      startOffsets,
      endOffsets,
      startedAt: new Date(this.#clock.nowMs()).toISOString(),
    }
  }

  async #resolve(bound: ReplayBound, partition: number, logStart: number, stable: number): Promise<number> {
    const clamp = (o: number): number => Math.min(stable, Math.max(logStart, o))
    switch (bound.kind) {
      case 'earliest':
        return logStart
      case 'latest':
        return stable
      case 'offset':
        return clamp(bound.offset)
      case 'time':
        return clamp(await this.#log.offsetForTime(this.#spec.job.inputTopic, partition, bound.ms))
    }
  }
}
