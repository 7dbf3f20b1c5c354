import type { AppendResult, Log, LogRecord, ProducerIdentity, TopicPartitionOffset } from '../../log/index.js'
import { encodeStateRecords, snapshotsToRestore } from './state-record.js'
import type { StateRecord } from './state-record.js'

export interface EpochCommitterSettings {
  /** The job's name; with the task index it names the transactional id `<job>/<task>`. */
  readonly job: string
  readonly task: number
  /** Consumer group holding the job's input offsets. */
  readonly group: string
  /** The job's state topic; task `i` uses partition `i`. */
  readonly stateTopic: string
  readonly tasks: number
  /** A full snapshot every this many epochs (the state store decides; used for record keys). */
  readonly fullEvery: number
  /** Largest piece of a snapshot per state record (default 16 MiB; below the log's batch limit). */
  readonly stateChunkBytes?: number
  /**
   * Called between the steps of a commit (for crash tests that kill at a precise step; also a
   * place for tracing). The commit waits for it.
   */
  readonly onCommitPhase?: (phase: CommitPhase, epoch: number) => void | Promise<void>
}

/** Steps of a commit: the state snapshot is appended, the offsets are added, the decision is made. */
export type CommitPhase = 'state-appended' | 'offsets-added' | 'committed'

export interface RecoveredTask {
  /** Committed next offsets by `topic` → partition → offset. */
  readonly offsets: ReadonlyMap<string, ReadonlyMap<number, number>>
  /** The last committed epoch, or 0 when the task never committed. */
  readonly lastEpoch: number
  /** The newest full snapshot and the deltas after it, in epoch order (empty: fresh state). */
  readonly snapshots: readonly StateRecord[]
}

/**
 * The exactly-once commit protocol of one task (docs/engine.md): one log transaction per epoch
 * holding the epoch's outputs, its state snapshot and its input offsets. `open` fences any earlier
 * instance of the task (its open transaction is aborted, its outputs never become visible) and
 * recovers offsets and snapshots as committed. Appends track the producer's per-partition
 * sequence numbers, so a retried append is recognised by the log and not written twice.
 *
 * ```ts
 * const c = await EpochCommitter.open(log, { job: 'rollup', task: 0, tasks: 2, group: 'vigil.job.rollup', stateTopic: 'vigil.state.rollup', fullEvery: 10 })
 * restore(c.recovered.snapshots)
 * await c.append('vigil.rollups', 0, records)
 * await c.commit(c.recovered.lastEpoch + 1, offsets, { bytes: snapshot, full: false })
 * ```
 */
export class EpochCommitter {
  readonly recovered: RecoveredTask
  readonly #log: Log
  readonly #s: EpochCommitterSettings
  readonly #producer: ProducerIdentity
  readonly #sequence = new Map<string, number>()

  private constructor(
    log: Log,
    s: EpochCommitterSettings,
    producer: ProducerIdentity,
    recovered: RecoveredTask,
  ) {
    this.#log = log
    this.#s = s
    this.#producer = producer
    this.recovered = recovered
  }

  static async open(log: Log, s: EpochCommitterSettings): Promise<EpochCommitter> {
    await log.createTopic(s.stateTopic, { partitions: s.tasks, cleanupPolicy: 'compact' })
    const producer = await log.initProducer({ transactionalId: `${s.job}/${s.task}` })
    const offsets = new Map<string, Map<number, number>>()
    for (const o of await log.fetchOffsets(s.group)) {
      let byPartition = offsets.get(o.topic)
      if (byPartition === undefined) offsets.set(o.topic, (byPartition = new Map()))
      byPartition.set(o.partition, o.offset)
    }
    const records: { key: string; value: Uint8Array }[] = []
    const described = await log.describeTopic(s.stateTopic)
    const p = described?.partitions.find((d) => d.partition === s.task)
    let at = p?.logStartOffset ?? 0
    while (p !== undefined && at < p.lastStableOffset) {
      const res = await log.read(s.stateTopic, s.task, at, { isolation: 'read_committed', maxBytes: 8 << 20 })
      for (const r of res.records) {
        if (r.value === null || r.key === null) continue
        records.push({ key: Buffer.from(r.key).toString('utf8'), value: new Uint8Array(r.value) })
      }
      if (res.nextOffset <= at) break
      at = res.nextOffset
    }
    const snapshots = snapshotsToRestore(records)
    if ('error' in snapshots) throw new Error(`cannot restore ${s.job}/${s.task}: ${snapshots.error}`)
    const lastEpoch = snapshots.length === 0 ? 0 : snapshots[snapshots.length - 1]!.epoch
    return new EpochCommitter(log, s, producer, { offsets, lastEpoch, snapshots })
  }

  /** Appends inside the current epoch's transaction (invisible to read_committed until commit). */
  append(topic: string, partition: number, records: readonly LogRecord[]): Promise<AppendResult> {
    const slot = `${topic}\u0000${partition}`
    const sequence = this.#sequence.get(slot) ?? 0
    this.#sequence.set(slot, sequence + records.length)
    return this.#log.append(topic, partition, records, {
      producer: { ...this.#producer, sequence },
      transactional: true,
    })
  }

  /**
   * Commits epoch `epoch`: the state snapshot and the input offsets join the epoch's transaction,
   * which then commits atomically with every output appended since the previous commit. Rejects
   * with `ProducerFencedError` when a newer instance of the task took over.
   */
  async commit(
    epoch: number,
    offsets: readonly TopicPartitionOffset[],
    snapshot: { readonly bytes: Uint8Array | readonly Uint8Array[]; readonly full: boolean },
  ): Promise<void> {
    // One append per chunk: each stays under the log's batch limit; the transaction holds them all.
    const state = { epoch, full: snapshot.full, bytes: snapshot.bytes }
    for (const { key, value } of encodeStateRecords(state, this.#s.fullEvery, this.#s.stateChunkBytes)) {
      await this.append(this.#s.stateTopic, this.#s.task, [
        { key: Buffer.from(key, 'utf8'), value, timestampMs: 0 },
      ])
    }
    await this.#s.onCommitPhase?.('state-appended', epoch)
    if (offsets.length > 0) await this.#log.sendOffsetsToTransaction(this.#producer, this.#s.group, offsets)
    await this.#s.onCommitPhase?.('offsets-added', epoch)
    await this.#log.endTransaction(this.#producer, true)
    await this.#s.onCommitPhase?.('committed', epoch)
  }

  /** Drops everything appended since the last commit (never visible to read_committed readers). */
  abort(): Promise<void> {
    return this.#log.endTransaction(this.#producer, false)
  }
}
