/**
 * The Kafka-shaped durable log: the source of truth of the whole pipeline (DESIGN.md §5).
 *
 * Two implementations sit behind this interface and one conformance suite
 * (`testing/log-conformance.ts`): `embedded` (segment files on local disk) and, later, `kafka`.
 * Semantics follow Kafka's; where they differ, `src/log/README.md` says so.
 *
 * A record here is the unit the log stores: one key, one value, one timestamp. Telemetry travels as
 * whole batches (a columnar metric batch, an array of log rows) encoded into one record value, so a
 * record is a batch of telemetry and `append` takes a batch of those.
 *
 * Example:
 * ```ts
 * await log.createTopic('metrics', { partitions: 4 })
 * const { baseOffset } = await log.append('metrics', 0, [{ key: null, value: bytes, timestampMs: t }])
 * const { records, nextOffset } = await log.read('metrics', 0, baseOffset, { maxBytes: 1 << 20 })
 * ```
 */

/** What a producer hands to `append`. Ownership of the buffers passes to the log until the call resolves. */
export interface LogRecord {
  readonly key: Uint8Array | null
  /** `null` is a tombstone on a compacted topic. */
  readonly value: Uint8Array | null
  /** Event or create time, epoch ms. Used by time retention and `offsetForTime`. */
  readonly timestampMs: number
}

/** What a reader gets back. `key`/`value` may be views into a shared read buffer: copy to keep them. */
export interface ReadRecord extends LogRecord {
  readonly offset: number
}

export const cleanupPolicies = ['delete', 'compact'] as const
export type CleanupPolicy = (typeof cleanupPolicies)[number]

export const isolationLevels = ['read_uncommitted', 'read_committed'] as const
export type IsolationLevel = (typeof isolationLevels)[number]

export interface TopicConfig {
  /** Fixed at creation, as in Kafka without partition expansion. */
  readonly partitions: number
  /** `delete`: retention by time and size. `compact`: keep the latest record per key. */
  readonly cleanupPolicy: CleanupPolicy
  /** Segments whose newest record is older than this are deleted. `-1` keeps forever. */
  readonly retentionMs: number
  /** Per partition; oldest segments are deleted while the partition is larger. `-1` = no limit. */
  readonly retentionBytes: number
  /** On compacted topics, how long a tombstone (null value) survives compaction. */
  readonly deleteRetentionMs: number
  /** A partition rolls to a new segment past this size; retention and compaction work per segment. */
  readonly segmentBytes: number
  /** A partition rolls to a new segment after this age, so time retention reaches quiet partitions. */
  readonly segmentMs: number
}

export interface PartitionOffsets {
  /** First offset still readable (advances with retention). */
  readonly logStartOffset: number
  /** Offset the next appended record gets (Kafka's high watermark on a single replica). */
  readonly highWatermark: number
  /** Below this every transaction is decided; `read_committed` reads stop here. */
  readonly lastStableOffset: number
}

export interface PartitionDescription extends PartitionOffsets {
  readonly partition: number
  readonly sizeBytes: number
  readonly segments: number
}

export interface TopicDescription {
  readonly name: string
  readonly config: TopicConfig
  readonly partitions: readonly PartitionDescription[]
}

/** Identity of an idempotent (and optionally transactional) producer, from `initProducer`. */
export interface ProducerIdentity {
  readonly producerId: number
  readonly epoch: number
  readonly transactionalId?: string
}

export interface AppendOptions {
  /**
   * Makes the append idempotent: the log remembers, per partition and producer, the last batches'
   * sequence numbers, so a retried append (same producer, epoch, sequence) is not written twice and
   * returns the offsets of the first write. `sequence` is the number of the first record of this
   * call; the next call to the same partition uses `sequence + records.length`.
   */
  readonly producer?: ProducerIdentity & { readonly sequence: number }
  /**
   * Appends inside the producer's open transaction (needs a transactional producer). The records
   * are invisible to `read_committed` readers until `endTransaction(producer, true)`.
   */
  readonly transactional?: boolean
}

export interface AppendResult {
  readonly baseOffset: number
  readonly lastOffset: number
  /** True when this call was recognised as a retry and nothing new was written. */
  readonly duplicate: boolean
}

export interface ReadOptions {
  /** Soft limit on the bytes read; at least one batch is returned even when it is larger. */
  readonly maxBytes?: number
  readonly isolation?: IsolationLevel
}

export interface ReadResult {
  readonly records: readonly ReadRecord[]
  /** Where the next read should start (past control markers and aborted records skipped here). */
  readonly nextOffset: number
  readonly highWatermark: number
  readonly lastStableOffset: number
  readonly logStartOffset: number
}

export interface TopicPartitionOffset {
  readonly topic: string
  readonly partition: number
  /** The next offset to consume, as in Kafka. */
  readonly offset: number
}

/** The log seam. Every method may reject with a `LogError` (see `errors.ts`). */
export interface Log {
  /** Creates a topic, or returns it when it exists with the same partition count. */
  createTopic(name: string, config?: Partial<TopicConfig>): Promise<TopicDescription>
  describeTopic(name: string): Promise<TopicDescription | undefined>
  listTopics(): Promise<readonly TopicDescription[]>

  /**
   * Appends a batch of records to one partition and resolves once they are durable under the
   * configured durability policy, with contiguous offsets in call order. A rejection means nothing
   * of the batch is visible (the write is all-or-nothing).
   */
  append(
    topic: string,
    partition: number,
    records: readonly LogRecord[],
    options?: AppendOptions,
  ): Promise<AppendResult>

  /**
   * Reads records with offset >= `fromOffset`. `fromOffset` equal to the high watermark gives an
   * empty result; outside [logStartOffset, highWatermark] rejects with `OffsetOutOfRangeError`.
   * `read_committed` never returns records of aborted or still-open transactions.
   */
  read(topic: string, partition: number, fromOffset: number, options?: ReadOptions): Promise<ReadResult>

  /** The earliest offset whose timestamp is >= `timestampMs`, or the high watermark if none. */
  offsetForTime(topic: string, partition: number, timestampMs: number): Promise<number>

  /**
   * Registers a producer. With a `transactionalId`, the id keeps its producer id across calls and the
   * epoch is bumped: an older instance with the same id is fenced, and its open transaction aborted.
   */
  initProducer(options?: { readonly transactionalId?: string }): Promise<ProducerIdentity>

  /** Adds consumer-group offsets to the producer's open transaction; they apply on commit only. */
  sendOffsetsToTransaction(
    producer: ProducerIdentity,
    group: string,
    offsets: readonly TopicPartitionOffset[],
  ): Promise<void>

  /**
   * Commits (or aborts) everything the producer appended transactionally and every offset sent
   * since its last `endTransaction`, atomically across partitions. Resolves once the decision is
   * durable. A no-op when nothing is open.
   */
  endTransaction(producer: ProducerIdentity, commit: boolean): Promise<void>

  /** Stores consumer-group offsets outside any transaction; durable when it resolves. */
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>
  /** Committed offsets of a group; partitions never committed are absent. */
  fetchOffsets(group: string): Promise<readonly TopicPartitionOffset[]>
  listGroups(): Promise<readonly string[]>

  /** Flushes and releases everything. Idempotent. In-flight appends settle before it resolves. */
  close(): Promise<void>
}
