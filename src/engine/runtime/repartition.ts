import { PipelineError, keyPartition } from '../../core/index.js'
import type { Log, LogRecord } from '../../log/index.js'
import type { Batch, Keyed } from '../api/index.js'
import type { InputPartition, OutputAppend, TaskJob } from './task-job.js'

/**
 * Re-keying between stages through a repartition topic (docs/engine.md, "Job graphs and
 * repartitioning"). The upstream stage's job encodes its `Keyed` output with `repartitionOutput`:
 * each element becomes one record in partition `partitionOf(key, partitions)`, whose key is the
 * element's key, whose value is the key and the element (`encodeKeyedValue`), and whose
 * `timestampMs` is the element's event time. The appends go through the task's epoch transaction
 * like any output, so downstream read-committed readers see an epoch's records exactly when its
 * offsets and state commit. The downstream stage's job decodes them with `repartitionInput` and
 * derives its own watermark from the event times (a repartition topic carries no watermark
 * records): its `maxOutOfOrdernessMs` must cover the skew between the upstream tasks, whose records
 * interleave in each partition.
 */

/** The partition of a key: must be stable across processes and restarts (a replay must route alike). */
export type KeyPartitioner = (key: string, partitions: number) => number

/** How a stage's elements travel through its repartition topic. */
export interface RepartitionCodec<T> {
  encode(value: T): Uint8Array
  /** undefined: undecodable (the runner counts and skips it). */
  decode(bytes: Uint8Array): T | undefined
  /** The element's event time: the record's `timestampMs` and the downstream watermark. */
  eventTimeMs(value: T): number
}

export interface RepartitionOutput {
  readonly topic: string
  readonly partitions: number
  /** Default `keyPartition` (FNV-1a 32 of the key mod partitions, the hash ingest uses too). */
  readonly partitionOf?: KeyPartitioner
}

/**
 * The upstream job's `encode`: a keyed batch becomes one append per partition it touches, records
 * in batch order within a partition.
 */
export function repartitionOutput<T>(
  codec: RepartitionCodec<T>,
  output: RepartitionOutput,
): (batch: Batch<Keyed<T>>) => OutputAppend[] {
  const { topic, partitions } = output
  const partitionOf = output.partitionOf ?? keyPartition
  return (batch) => {
    const byPartition = new Map<number, LogRecord[]>()
    for (const { key, value } of batch) {
      const p = partitionOf(key, partitions)
      if (!Number.isInteger(p) || p < 0 || p >= partitions) {
        throw new RangeError(`repartition ${topic}: key "${key}" mapped to partition ${p} of ${partitions}`)
      }
      const keyBytes = Buffer.from(key, 'utf8')
      const record: LogRecord = {
        key: keyBytes,
        value: encodeKeyedValue(keyBytes, codec.encode(value)),
        timestampMs: codec.eventTimeMs(value),
      }
      const records = byPartition.get(p)
      if (records === undefined) byPartition.set(p, [record])
      else records.push(record)
    }
    return [...byPartition].map(([partition, records]) => ({ topic, partition, records }))
  }
}

/**
 * The downstream job's `decode` and `maxEventTimeMs`: one record is a batch of one keyed element.
 * (TaskJob.decode sees only the record value, hence the key inside it.)
 */
export function repartitionInput<T>(
  codec: RepartitionCodec<T>,
): Pick<TaskJob<Batch<Keyed<T>>, unknown>, 'decode' | 'maxEventTimeMs'> {
  return {
    decode(bytes) {
      const kv = decodeKeyedValue(bytes)
      const value = kv === undefined ? undefined : codec.decode(kv.payload)
      return kv === undefined || value === undefined ? undefined : [{ key: kv.key, value }]
    },
    maxEventTimeMs(batch) {
      let max = Number.NEGATIVE_INFINITY
      for (const e of batch) max = Math.max(max, codec.eventTimeMs(e.value))
      return max
    },
  }
}

/** A repartition record value: u32 LE length of the UTF-8 key, the key, the payload. */
export function encodeKeyedValue(key: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(4 + key.length + payload.length)
  out.writeUInt32LE(key.length, 0)
  out.set(key, 4)
  out.set(payload, 4 + key.length)
  return out
}

/** The key and payload of a repartition record value; undefined when it is not one. */
export function decodeKeyedValue(bytes: Uint8Array): { key: string; payload: Uint8Array } | undefined {
  if (bytes.length < 4) return undefined
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const len = buf.readUInt32LE(0)
  if (4 + len > buf.length) return undefined
  return { key: buf.toString('utf8', 4, 4 + len), payload: buf.subarray(4 + len) }
}

/**
 * Creates the repartition topic with `partitions` partitions, or checks the existing one has that
 * many: a different count would send keys to other partitions than their state lives with.
 */
export async function ensureRepartitionTopic(log: Log, topic: string, partitions: number): Promise<void> {
  const existing = await log.describeTopic(topic)
  if (existing === undefined) {
    await log.createTopic(topic, { partitions })
    return
  }
  if (existing.partitions.length !== partitions) {
    throw new PipelineError(
      `repartition topic ${topic} has ${existing.partitions.length} partitions, the job needs ${partitions}`,
      { code: 'repartition_partitions_mismatch', domain: 'user', retryable: false },
    )
  }
}

/** The partitions of `topic` read by task `task` of `tasks`: p mod tasks = task. */
export function taskInputs(topic: string, partitions: number, task: number, tasks: number): InputPartition[] {
  const out: InputPartition[] = []
  for (let p = task; p < partitions; p += tasks) out.push({ topic, partition: p })
  return out
}
