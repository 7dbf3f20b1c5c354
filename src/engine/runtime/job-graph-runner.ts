import { PipelineError } from '../../core/index.js'
import type { Clock } from '../../core/index.js'
import type { Log } from '../../log/index.js'
import { REPARTITION_PREFIX } from '../api/index.js'
import type { Batch, Keyed, StageSpec, ValidatedJobGraph } from '../api/index.js'
import type { StateBackend } from '../state/index.js'
import type { LoopTask } from '../host/task-loop.js'
import { ensureRepartitionTopic, repartitionInput, repartitionOutput, taskInputs } from './repartition.js'
import type { KeyPartitioner, RepartitionCodec } from './repartition.js'
import type { OutputAppend, TaskJob } from './task-job.js'
import { TaskRunner } from './task-runner.js'
import type { TaskRunnerSettings } from './task-runner.js'
import type { WatermarkSettings } from './watermark-tracker.js'

/**
 * Runs a validated `JobGraph` (docs/engine.md, "Job graphs and repartitioning"): every stage as
 * `tasks` TaskRunners, each its own exactly-once unit (instance `<job>.<stage>`, so its own
 * transactional ids, state topic and consumer group). Stages are wired only through topics.
 */
export interface GraphTaskSettings {
  /** Tasks per stage; task `t` of a stage reads partitions `p mod tasks = t` of each input topic. */
  readonly tasks: number
  readonly clock: Clock
  readonly checkpointIntervalMs: number
  /** Per stage; a stage reading a repartition topic needs it to cover the upstream tasks' skew. */
  readonly watermarks: WatermarkSettings
  /** Partitions of every repartition topic (created if missing, else checked; default `tasks`). */
  readonly repartitionPartitions?: number
  /** The key partitioner of `partitionBy: 'key'` outputs (default `keyPartition`, FNV-1a). */
  readonly partitionOf?: KeyPartitioner
  /** Replaces the job name in instance names (`<instance>.<stage>`), e.g. for a replay. */
  readonly instance?: string
  readonly maxPollBytes?: number
  readonly stateBackend?: StateBackend
  /** Side outputs of every stage go to partition `task` of this topic (needs `tasks` partitions). */
  readonly sideTopic?: string
}

type AnyCodec = NonNullable<StageSpec['codec']>
type Reader = Pick<TaskJob<unknown, unknown>, 'decode' | 'maxEventTimeMs'>
/** A task's `encode`. */
type Writer = (task: number) => (out: unknown) => readonly OutputAppend[]

/**
 * Builds the task runners of a validated graph (not started: `TaskLoop.run` or the caller starts
 * them), stage by stage in dependency order, task by task. Creates the repartition topics (or
 * checks their partition count), checks every other topic exists, and rejects a stage whose codec
 * cannot read its input or write its output (`job_graph_not_runnable`, every problem at once).
 * Operators keep their state in declared state tables, so the task snapshot's job part is empty.
 */
export async function createGraphTasks(
  log: Log,
  graph: ValidatedJobGraph,
  settings: GraphTaskSettings,
): Promise<LoopTask[]> {
  const { tasks } = settings
  if (!Number.isSafeInteger(tasks) || tasks < 1) throw new RangeError(`tasks must be ≥ 1, not ${tasks}`)
  const repartitionPartitions = settings.repartitionPartitions ?? tasks
  const producer = new Map(graph.stages.map((s) => [s.output.topic, s]))

  const problems: string[] = []
  const partitions = new Map<string, number>()
  const topicPartitions = async (topic: string): Promise<number | undefined> => {
    const known = partitions.get(topic)
    if (known !== undefined) return known
    let n: number | undefined
    if (topic.startsWith(REPARTITION_PREFIX)) {
      await ensureRepartitionTopic(log, topic, repartitionPartitions)
      n = repartitionPartitions
    } else {
      n = (await log.describeTopic(topic))?.partitions.length
      if (n === undefined) problems.push(`topic "${topic}" does not exist`)
    }
    if (n !== undefined) partitions.set(topic, n)
    return n
  }

  const plans: { stage: StageSpec; reader: Reader; writer: Writer }[] = []
  for (const stage of graph.stages) {
    for (const topic of stage.inputs) await topicPartitions(topic)
    const outputPartitions = await topicPartitions(stage.output.topic)
    const reader = stageReader(stage, producer, problems)
    const writer =
      outputPartitions === undefined ? undefined : stageWriter(stage, outputPartitions, settings, problems)
    if (reader !== undefined && writer !== undefined) plans.push({ stage, reader, writer })
  }
  if (problems.length > 0) {
    throw new PipelineError(`job graph "${graph.name}" cannot run: ${problems.join('; ')}`, {
      code: 'job_graph_not_runnable',
      domain: 'user',
      retryable: false,
    })
  }

  const out: LoopTask[] = []
  for (const { stage, reader, writer } of plans) {
    const instance = `${settings.instance ?? graph.name}.${stage.name}`
    for (let task = 0; task < tasks; task++) {
      const job: TaskJob<unknown, unknown> = {
        name: `${graph.name}.${stage.name}`,
        ...reader,
        operator: stage.operator(),
        encode: writer(task),
        snapshot: () => ({ bytes: new Uint8Array(0), full: true }),
        restore: () => undefined,
      }
      const runnerSettings: TaskRunnerSettings = {
        task,
        tasks,
        inputs: stage.inputs.flatMap((topic) => taskInputs(topic, partitions.get(topic)!, task, tasks)),
        clock: settings.clock,
        checkpointIntervalMs: settings.checkpointIntervalMs,
        watermarks: settings.watermarks,
        instance,
        ...(settings.maxPollBytes === undefined ? {} : { maxPollBytes: settings.maxPollBytes }),
        ...(settings.stateBackend === undefined ? {} : { stateBackend: settings.stateBackend }),
        ...(settings.sideTopic === undefined ? {} : { sideTopic: settings.sideTopic }),
      }
      out.push({ job: instance, task, runner: new TaskRunner(log, job, runnerSettings) })
    }
  }
  return out
}

/**
 * The stage's own `decode`, or, when every input is the repartition topic of a keyed stage and
 * they share one codec, `repartitionInput` of that codec.
 */
function stageReader(
  stage: StageSpec,
  producer: ReadonlyMap<string, StageSpec>,
  problems: string[],
): Reader | undefined {
  const codec = stage.codec
  if (codec?.decode !== undefined) {
    if (codec.maxEventTimeMs === undefined) {
      problems.push(`stage "${stage.name}" has codec.decode but no codec.maxEventTimeMs`)
      return undefined
    }
    return {
      decode: (value) => codec.decode!(value),
      maxEventTimeMs: (batch) => codec.maxEventTimeMs!(batch),
    }
  }
  const upstream = new Set(stage.inputs.map((t) => producer.get(t)?.codec?.keyed))
  const [keyed] = upstream
  if (upstream.size === 1 && keyed !== undefined) return repartitionInput(keyed) as Reader
  problems.push(
    `stage "${stage.name}" needs codec.decode and codec.maxEventTimeMs ` +
      `(only inputs that are all repartition topics of keyed stages with one codec have a default)`,
  )
  return undefined
}

/** `repartitionOutput` of the `keyed` codec for `partitionBy: 'key'`, else `encode` to partition `task`. */
function stageWriter(
  stage: StageSpec,
  partitions: number,
  settings: GraphTaskSettings,
  problems: string[],
): Writer | undefined {
  const codec: AnyCodec | undefined = stage.codec
  const topic = stage.output.topic
  if (stage.output.partitionBy === 'key') {
    const keyed: RepartitionCodec<unknown> | undefined = codec?.keyed
    if (keyed === undefined) {
      problems.push(`stage "${stage.name}" writes with partitionBy "key" and needs codec.keyed`)
      return undefined
    }
    const encode = repartitionOutput(keyed, {
      topic,
      partitions,
      ...(settings.partitionOf === undefined ? {} : { partitionOf: settings.partitionOf }),
    })
    return () => (out) => encode(out as Batch<Keyed<unknown>>)
  }
  const encodeRecords = codec?.encode
  if (encodeRecords === undefined) {
    problems.push(`stage "${stage.name}" needs codec.encode for its output "${topic}"`)
    return undefined
  }
  if (partitions < settings.tasks) {
    problems.push(
      `stage "${stage.name}" writes partition task of "${topic}", which has ${partitions} ` +
        `partitions for ${settings.tasks} tasks`,
    )
    return undefined
  }
  return (task) => (out) => [{ topic, partition: task, records: encodeRecords(out) }]
}
