import { PipelineError } from '../../core/index.js'
import type { LogRecord } from '../../log/index.js'
import type { Operator } from './operator.js'

/**
 * A declarative description of a job: stages that read topics, run an operator (often a `chain`)
 * and write one output topic. A stage's output may be another stage's input: that intermediate
 * topic is the upstream stage's **repartition topic**, `vigil.repartition.<job>.<stage>`, written
 * with `partitionBy: 'key'` when the upstream stage re-keys (`keyBy`) so that every key lands in
 * one partition, hence in one downstream task (docs/engine.md, "Job graphs and repartitioning").
 * Stages never share memory: each runs as its own tasks and commits on its own.
 *
 * ```ts
 * const graph = validateJobGraph(
 *   {
 *     name: 'errors-by-host',
 *     stages: [
 *       { name: 'rekey', inputs: ['vigil.logs'], operator: () => keyBy((l: Log) => l.host),
 *         output: { topic: repartitionTopic('errors-by-host', 'rekey'), partitionBy: 'key' } },
 *       { name: 'count', inputs: [repartitionTopic('errors-by-host', 'rekey')],
 *         operator: () => countPerKey(), output: { topic: 'vigil.results.errors-by-host' } },
 *     ],
 *   },
 *   ['vigil.logs'],
 * )
 * ```
 */
export interface JobGraph {
  readonly name: string
  readonly stages: readonly StageSpec[]
}

/** `StageSpec` without type arguments is a stage of any element types (what a `JobGraph` holds). */
export interface StageSpec<In = unknown, Out = unknown> {
  /** Unique in the job; names the stage's tasks (`<job>.<stage>`) and its repartition topic. */
  readonly name: string
  /** Topics read: external topics, or repartition topics of other stages. */
  readonly inputs: readonly string[]
  /**
   * A fresh operator per task. State that must survive a restart lives in declared state tables
   * (`stateTables`, `ctx.table(spec)`): a graph's tasks snapshot nothing else.
   */
  readonly operator: () => Operator<In, Out>
  readonly output: StageOutput
  /**
   * How the stage's records are read and written; needed to run the graph (`createGraphTasks`),
   * ignored by `validateJobGraph`.
   */
  readonly codec?: StageCodec<In, Out>
}

export interface StageOutput {
  readonly topic: string
  /** `key`: each element goes to partition FNV-1a(key) mod partitions (elements are `Keyed`). */
  readonly partitionBy?: 'key'
}

/**
 * How one stage's records become batches and back. Which members a runnable stage needs:
 * - input: `decode` and `maxEventTimeMs`, except when every input is the repartition topic of a
 *   stage with a `keyed` codec (one codec for all of them): the stage then reads `Keyed` elements
 *   decoded with it;
 * - output with `partitionBy: 'key'` (`Out` is a `Batch<Keyed<T>>`): `keyed`, the codec of `T`;
 * - any other output: `encode`, whose records are appended to partition `task` of the output topic.
 */
export interface StageCodec<In, Out> {
  /** One input record value → a batch; undefined skips it (counted as `undecodable`). */
  decode?(value: Uint8Array): In | undefined
  /** The largest event time in a decoded batch (the input partition's watermark). */
  maxEventTimeMs?(batch: In): number
  /** An output batch → the records appended to partition `task` of the output topic. */
  encode?(out: Out): readonly LogRecord[]
  /** `partitionBy: 'key'`: one element's bytes and event time (a `RepartitionCodec`). */
  readonly keyed?: KeyedElementCodec<unknown>
}

/** How a keyed stage's elements travel (structurally `RepartitionCodec` of `engine/runtime`). */
export interface KeyedElementCodec<T> {
  encode(value: T): Uint8Array
  /** undefined: undecodable (the runner counts and skips it). */
  decode(bytes: Uint8Array): T | undefined
  /** The element's event time: the record's `timestampMs` and the downstream watermark. */
  eventTimeMs(value: T): number
}

/** A graph that passed `validateJobGraph`. */
export interface ValidatedJobGraph extends JobGraph {
  /** The stages in dependency order: a stage comes after every stage whose output it reads. */
  readonly stages: readonly StageSpec[]
  /** External topics the job reads. */
  readonly sources: readonly string[]
  /** Repartition topics: written by one stage of the job, read by another. */
  readonly intermediates: readonly string[]
}

export const REPARTITION_PREFIX = 'vigil.repartition.'

/** The repartition topic of `stage` in `job`. */
export function repartitionTopic(job: string, stage: string): string {
  return `${REPARTITION_PREFIX}${job}.${stage}`
}

const NAME = /^[A-Za-z0-9_-]+$/

/**
 * Checks a job graph against the topics that exist outside it (`externalTopics`: ingest topics,
 * other jobs' outputs) and orders its stages. Every problem is reported at once in one
 * `PipelineError` (`invalid_job_graph`): bad or duplicate names, an input topic that is neither
 * external nor a stage's output, two stages writing one topic, an intermediate topic not named
 * `vigil.repartition.<job>.<stage>`, and cycles.
 */
export function validateJobGraph(graph: JobGraph, externalTopics: Iterable<string>): ValidatedJobGraph {
  const external = new Set(externalTopics)
  const problems: string[] = []
  if (!NAME.test(graph.name)) problems.push(`job name "${graph.name}" must match ${NAME.source}`)
  if (graph.stages.length === 0) problems.push('a job needs at least one stage')

  const byName = new Map<string, StageSpec>()
  const producer = new Map<string, StageSpec>()
  for (const s of graph.stages) {
    if (!NAME.test(s.name)) problems.push(`stage name "${s.name}" must match ${NAME.source}`)
    if (byName.has(s.name)) problems.push(`two stages are named "${s.name}"`)
    byName.set(s.name, s)
    const other = producer.get(s.output.topic)
    if (other !== undefined) {
      problems.push(`stages "${other.name}" and "${s.name}" both write topic "${s.output.topic}"`)
    }
    producer.set(s.output.topic, s)
    const own = repartitionTopic(graph.name, s.name)
    if (s.output.topic.startsWith(REPARTITION_PREFIX) && s.output.topic !== own) {
      problems.push(`stage "${s.name}" writes "${s.output.topic}": its repartition topic is "${own}"`)
    }
  }

  const sources = new Set<string>()
  const intermediates = new Set<string>()
  for (const s of graph.stages) {
    if (s.inputs.length === 0) problems.push(`stage "${s.name}" has no input topic`)
    for (const topic of s.inputs) {
      const from = producer.get(topic)
      if (from !== undefined) {
        const expected = repartitionTopic(graph.name, from.name)
        if (topic !== expected) {
          problems.push(
            `stage "${s.name}" reads "${topic}", the output of stage "${from.name}": ` +
              `an intermediate topic must be named "${expected}"`,
          )
        }
        intermediates.add(topic)
      } else if (external.has(topic)) {
        sources.add(topic)
      } else {
        problems.push(
          `stage "${s.name}" reads unknown topic "${topic}" (neither external nor a stage's output)`,
        )
      }
    }
  }

  const ordered = orderStages(graph.stages, producer, problems)
  if (problems.length > 0) {
    throw new PipelineError(`invalid job graph "${graph.name}": ${problems.join('; ')}`, {
      code: 'invalid_job_graph',
      domain: 'user',
      retryable: false,
    })
  }
  return { name: graph.name, stages: ordered, sources: [...sources], intermediates: [...intermediates] }
}

/** Depth-first topological order; a cycle is reported as its path (`a → b → a`). */
function orderStages(
  stages: readonly StageSpec[],
  producer: ReadonlyMap<string, StageSpec>,
  problems: string[],
): StageSpec[] {
  const done = new Set<StageSpec>()
  const path: StageSpec[] = []
  const ordered: StageSpec[] = []
  const visit = (s: StageSpec): boolean => {
    if (done.has(s)) return true
    const at = path.indexOf(s)
    if (at >= 0) {
      const cycle = [...path.slice(at), s].map((c) => c.name).join(' → ')
      problems.push(`stages form a cycle: ${cycle}`)
      return false
    }
    path.push(s)
    for (const topic of s.inputs) {
      const upstream = producer.get(topic)
      if (upstream !== undefined && !visit(upstream)) return false
    }
    path.pop()
    done.add(s)
    ordered.push(s)
    return true
  }
  for (const s of stages) if (!visit(s)) break
  return ordered
}
