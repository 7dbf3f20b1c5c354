/**
 * The embedded log: the Kafka-shaped log on local disk, for the all-in-one deployment.
 * Design note (formats, durability, recovery, differences from Kafka): `src/log/README.md`.
 *
 * Layout of a data dir:
 * ```
 * vigil.lock                               exclusive lock (pid, host)
 * topics/<topic>/topic.json                topic config (versioned)
 * topics/<topic>/<partition>/<base>.log    segment files (record batches, see batch-format.ts)
 * topics/<topic>/<partition>/<base>.index  sidecar of a sealed segment (see segment-sidecar.ts)
 * topics/__transaction_state/…             transaction coordinator state (internal, compacted)
 * topics/__consumer_offsets/…              consumer-group offsets (internal, compacted)
 * ```
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Clock } from '../../core/clock.js'
import { systemClock } from '../../core/clock.js'
import { compactPartition } from './compaction.js'
import { newEmbeddedLogStats } from './embedded-log-stats.js'
import type { EmbeddedLogStats } from './embedded-log-stats.js'
import { parseEmbeddedLogConfig } from './config.js'
import type { EmbeddedLogConfig } from './config.js'
import { DirLock } from './dir-lock.js'
import { GroupCommit } from './group-commit.js'
import { CONSUMER_OFFSETS_TOPIC, OffsetStore } from './offset-store.js'
import { Partition } from './partition.js'
import { ScratchBuffer } from './scratch-buffer.js'
import { SegmentFilePool } from './segment-file-pool.js'
import { checkOffsets, checkRecords, checkReadOptions } from './request-checks.js'
import {
  readTopicConfigs,
  resolveTopicConfig,
  topicDir,
  validateTopicName,
  writeTopicConfig,
} from './topic-config.js'
import type { EmbeddedTopicConfig } from './topic-config.js'
import { Transactions } from './transactions.js'
import { TRANSACTION_STATE_TOPIC, TxnCoordinator, partitionKey } from './txn-coordinator.js'
import { InvalidArgumentError, LogClosedError, UnknownTopicError } from '../errors.js'
import type {
  AppendOptions,
  AppendResult,
  Log,
  LogRecord,
  ProducerIdentity,
  ReadOptions,
  ReadResult,
  TopicConfig,
  TopicDescription,
  TopicPartitionOffset,
} from '../log.js'

export type { EmbeddedLogStats } from './embedded-log-stats.js'

export interface EmbeddedLogEvent {
  readonly level: 'info' | 'warn' | 'error'
  readonly msg: string
  readonly [field: string]: unknown
}

export interface EmbeddedLogSettings {
  readonly clock?: Clock
  /** Open without the directory lock for inspection: no recovery writes, appends rejected. */
  readonly readOnly?: boolean
  /** Structured events worth logging (recovery truncations, maintenance). Never per record. */
  readonly onEvent?: (event: EmbeddedLogEvent) => void
}

export interface EmbeddedLog extends Log {
  readonly config: EmbeddedLogConfig
  readonly stats: Readonly<EmbeddedLogStats>
  /** Runs retention and compaction now (they also run every `maintenanceIntervalMs`). */
  runMaintenance(): Promise<void>
  /**
   * Resolves once everything appended before the call is fsynced, whatever the fsync policy: the
   * way to learn that `interval`/`none` acknowledged appends are past their power-loss window.
   */
  sync(): Promise<void>
  /**
   * Test hook: stops like `kill -9` would — no flush, no markers, fds closed, lock released —
   * so a test can reopen the directory and exercise recovery in-process.
   */
  crashForTesting(): void
}

const INTERNAL_TOPIC_CONFIG: Partial<EmbeddedTopicConfig> = {
  partitions: 1,
  cleanupPolicy: 'compact',
  segmentBytes: 16 * 1024 * 1024,
  deleteRetentionMs: 24 * 3600 * 1000,
}

/** Opens (creating or recovering) the log in `config.dataDir`. */
export async function openEmbeddedLog(
  config: Partial<EmbeddedLogConfig> & { readonly dataDir: string },
  settings: EmbeddedLogSettings = {},
): Promise<EmbeddedLog> {
  const parsed = parseEmbeddedLogConfig(config)
  const log = new EmbeddedLogImpl(parsed, settings)
  await log.open()
  return log
}

class EmbeddedLogImpl implements EmbeddedLog {
  readonly config: EmbeddedLogConfig
  readonly stats: EmbeddedLogStats = newEmbeddedLogStats()
  readonly #clock: Clock
  readonly #readOnly: boolean
  readonly #emit: (event: EmbeddedLogEvent) => void
  readonly #groupCommit: GroupCommit
  readonly #topics = new Map<string, { config: EmbeddedTopicConfig; partitions: Partition[] }>()
  readonly #coordinator = new TxnCoordinator()
  readonly #scratch = new ScratchBuffer()
  readonly #segmentFiles: SegmentFilePool
  readonly #fsyncOnEveryAppend: boolean
  readonly #offsets = new OffsetStore()
  #lock: DirLock | undefined
  #closed = false
  #maintenanceTimer: NodeJS.Timeout | undefined
  #maintenanceRunning: Promise<void> | undefined
  /** Producer ids and transactions; set once the internal topics are open (not in read-only mode). */
  #txns: Transactions | undefined

  constructor(config: EmbeddedLogConfig, settings: EmbeddedLogSettings) {
    this.config = config
    this.#clock = settings.clock ?? systemClock
    this.#readOnly = settings.readOnly ?? false
    this.#emit = settings.onEvent ?? (() => undefined)
    this.#fsyncOnEveryAppend = config.fsync === 'always'
    this.#segmentFiles = new SegmentFilePool(config.maxOpenSegmentFiles)
    this.#groupCommit = new GroupCommit(config.fsync, config.fsyncIntervalMs, (files, seconds) => {
      this.stats.fsyncs += files
      this.stats.fsyncSeconds += seconds
    })
  }

  async open(): Promise<void> {
    const { dataDir } = this.config
    const started = process.hrtime.bigint()
    if (this.#readOnly) {
      if (!fs.existsSync(path.join(dataDir, 'topics'))) {
        throw new InvalidArgumentError(`No Vigil log found in ${dataDir} (expected a topics/ directory).`)
      }
    } else {
      fs.mkdirSync(dataDir, { recursive: true })
      this.#lock = DirLock.acquire(dataDir)
    }
    try {
      const configs = readTopicConfigs(dataDir, (name, err) =>
        this.#emit({
          level: 'error',
          msg: 'A topic directory has no readable topic.json; it is ignored.',
          topic: name,
          error: String(err),
        }),
      )
      for (const internal of [TRANSACTION_STATE_TOPIC, CONSUMER_OFFSETS_TOPIC]) {
        if (!configs.has(internal) && !this.#readOnly) {
          const config = resolveTopicConfig(INTERNAL_TOPIC_CONFIG, this.config)
          writeTopicConfig(dataDir, internal, config)
          configs.set(internal, config)
        }
      }
      for (const [name, config] of configs) this.#openTopic(name, config)
      if (this.#topics.has(TRANSACTION_STATE_TOPIC))
        this.#coordinator.load(this.#internal(TRANSACTION_STATE_TOPIC))
      if (!this.#readOnly) await this.#startTransactions()
      if (this.#topics.has(CONSUMER_OFFSETS_TOPIC)) this.#offsets.load(this.#internal(CONSUMER_OFFSETS_TOPIC))
    } catch (err) {
      this.#closeFiles()
      throw err
    }
    this.stats.recoverySeconds = Number(process.hrtime.bigint() - started) / 1e9
    if (!this.#readOnly && this.config.maintenanceIntervalMs > 0) {
      this.#maintenanceTimer = setInterval(
        () => void this.runMaintenance().catch(() => undefined),
        this.config.maintenanceIntervalMs,
      )
      this.#maintenanceTimer.unref()
    }
  }

  #openTopic(name: string, config: EmbeddedTopicConfig): void {
    const partitions: Partition[] = []
    for (let p = 0; p < config.partitions; p++) {
      const { partition, truncatedBytes } = Partition.open(
        {
          dir: path.join(topicDir(this.config.dataDir, name), String(p)),
          topic: name,
          partition: p,
          topicConfig: config,
          logConfig: this.config,
          groupCommit: this.#groupCommit,
          scratch: this.#scratch,
          segmentFiles: this.#segmentFiles,
          readOnly: this.#readOnly,
          onEvent: (level, msg, fields) => this.#emit({ level, msg, ...fields }),
        },
        this.#clock.nowMs(),
      )
      this.stats.recoveryTruncatedBytes += truncatedBytes
      partitions.push(partition)
    }
    this.#topics.set(name, { config, partitions })
  }

  /** Wires the transaction manager and closes the transactions a crash left open. */
  async #startTransactions(): Promise<void> {
    const txns = new Transactions({
      coordinator: this.#coordinator,
      offsets: this.#offsets,
      groupCommit: this.#groupCommit,
      clock: this.#clock,
      stats: this.stats,
      statePartition: this.#internal(TRANSACTION_STATE_TOPIC),
      offsetsPartition: this.#internal(CONSUMER_OFFSETS_TOPIC),
    })
    const all = [...this.#topics].flatMap(([topic, t]) => t.partitions.map((p) => [topic, p] as const))
    const { markers, commits } = await txns.recover(all)
    if (markers > 0 || commits > 0) {
      this.#emit({
        level: 'warn',
        msg: 'Recovery closed transactions left open by an unclean shutdown.',
        markers,
        completedCommits: commits,
      })
    }
    this.#txns = txns
  }

  // ---- topics ----

  async createTopic(name: string, config: Partial<TopicConfig> = {}): Promise<TopicDescription> {
    this.#checkWritable()
    validateTopicName(name, false)
    const resolved = resolveTopicConfig(config, this.config)
    const existing = this.#topics.get(name)
    if (existing !== undefined) {
      if (existing.config.partitions !== resolved.partitions) {
        throw new InvalidArgumentError(
          `Topic "${name}" exists with ${existing.config.partitions} partitions, not ${resolved.partitions}.`,
        )
      }
      return this.#describe(name)!
    }
    writeTopicConfig(this.config.dataDir, name, resolved)
    this.#openTopic(name, resolved)
    return this.#describe(name)!
  }

  async describeTopic(name: string): Promise<TopicDescription | undefined> {
    this.#checkOpen()
    return this.#describe(name)
  }

  async listTopics(): Promise<readonly TopicDescription[]> {
    this.#checkOpen()
    return [...this.#topics.keys()]
      .filter((n) => !n.startsWith('__'))
      .sort()
      .map((n) => this.#describe(n)!)
  }

  #describe(name: string): TopicDescription | undefined {
    const topic = this.#topics.get(name)
    if (topic === undefined) return undefined
    return { name, config: topic.config, partitions: topic.partitions.map((p) => p.describe()) }
  }

  // ---- produce / consume ----

  /**
   * Not `async`: the hot path. Synchronous checks and write; then, with `fsync: always`, one
   * promise for the covering fsync; otherwise the fsync is scheduled and the append answers now.
   */
  append(
    topic: string,
    partition: number,
    records: readonly LogRecord[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    let part: Partition
    let result: AppendResult
    try {
      part = this.#partition(topic, partition, false)
      result = this.#appendNow(part, topic, partition, records, options)
    } catch (err) {
      return Promise.reject(err)
    }
    if (this.#fsyncOnEveryAppend)
      return this.#groupCommit.waitDurable(part.durabilityTarget()).then(() => result)
    this.#groupCommit.written(part.durabilityTarget())
    return Promise.resolve(result)
  }

  #appendNow(
    part: Partition,
    topic: string,
    partition: number,
    records: readonly LogRecord[],
    options: AppendOptions,
  ): AppendResult {
    this.#checkWritable()
    checkRecords(records)
    const producer = options.producer
    const transactional = options.transactional === true
    if (producer !== undefined && (!Number.isInteger(producer.sequence) || producer.sequence < 0)) {
      throw new InvalidArgumentError(
        `producer.sequence must be a non-negative integer, got ${producer.sequence}.`,
      )
    }
    if (transactional && producer === undefined) {
      throw new InvalidArgumentError(
        'A transactional append needs options.producer from initProducer({ transactionalId }).',
      )
    }
    const txn = transactional ? this.#coordinator.begin(producer!) : undefined
    if (!transactional && producer?.transactionalId !== undefined) this.#coordinator.checkEpoch(producer)
    const result = part.append(records, producer, transactional, this.#clock.nowMs())
    if (txn !== undefined) txn.partitions.set(partitionKey(topic, partition), part)
    if (result.duplicate) {
      this.stats.duplicateAppends++
    } else {
      this.stats.appendedBatches++
      this.stats.appendedRecords += records.length
      this.stats.appendedBytes += part.lastBatchBytes
    }
    return result
  }

  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    options: ReadOptions = {},
  ): Promise<ReadResult> {
    this.#checkOpen()
    const { maxBytes, isolation } = checkReadOptions(fromOffset, options)
    const result = this.#partition(topic, partition, true).read(fromOffset, maxBytes, isolation)
    this.stats.readBatches++
    this.stats.readRecords += result.records.length
    for (const r of result.records) this.stats.readBytes += (r.key?.length ?? 0) + (r.value?.length ?? 0)
    return result
  }

  async offsetForTime(topic: string, partition: number, timestampMs: number): Promise<number> {
    this.#checkOpen()
    if (!Number.isFinite(timestampMs)) throw new InvalidArgumentError('timestampMs must be a finite number.')
    return this.#partition(topic, partition, true).offsetForTime(timestampMs)
  }

  // ---- producers and transactions ----

  initProducer(options: { readonly transactionalId?: string } = {}): Promise<ProducerIdentity> {
    this.#checkWritable()
    const tid = options.transactionalId
    if (tid !== undefined && (typeof tid !== 'string' || tid.length === 0 || tid.length > 1024)) {
      throw new InvalidArgumentError('transactionalId must be a non-empty string of at most 1024 characters.')
    }
    return this.#transactions().initProducer(tid)
  }

  async sendOffsetsToTransaction(
    producer: ProducerIdentity,
    group: string,
    offsets: readonly TopicPartitionOffset[],
  ): Promise<void> {
    this.#checkWritable()
    checkOffsets(group, offsets, (t, p) => this.#partition(t, p, true))
    await this.#transactions().sendOffsets(producer, group, offsets)
  }

  async endTransaction(producer: ProducerIdentity, commit: boolean): Promise<void> {
    this.#checkWritable()
    await this.#transactions().end(producer, commit)
  }

  #transactions(): Transactions {
    if (this.#txns === undefined) throw new LogClosedError()
    return this.#txns
  }

  // ---- consumer groups ----

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#checkWritable()
    checkOffsets(group, offsets, (t, p) => this.#partition(t, p, true))
    const part = this.#internal(CONSUMER_OFFSETS_TOPIC)
    part.append(
      this.#offsets.toRecords(group, offsets, this.#clock.nowMs()),
      undefined,
      false,
      this.#clock.nowMs(),
    )
    await this.#groupCommit.waitDurable(part.durabilityTarget())
    this.#offsets.apply(group, offsets)
  }

  async fetchOffsets(group: string): Promise<readonly TopicPartitionOffset[]> {
    this.#checkOpen()
    return this.#offsets.fetch(group)
  }

  async listGroups(): Promise<readonly string[]> {
    this.#checkOpen()
    return this.#offsets.groups()
  }

  // ---- maintenance and lifecycle ----

  sync(): Promise<void> {
    this.#checkWritable()
    return this.#groupCommit.flush()
  }

  runMaintenance(): Promise<void> {
    this.#checkWritable()
    this.#maintenanceRunning ??= this.#maintain().finally(() => (this.#maintenanceRunning = undefined))
    return this.#maintenanceRunning
  }

  async #maintain(): Promise<void> {
    for (const [name, topic] of this.#topics) {
      for (const part of topic.partitions) {
        if (this.#closed) return
        const now = this.#clock.nowMs()
        if (topic.config.cleanupPolicy === 'delete') {
          const deleted = part.applyRetention(now)
          this.stats.segmentsDeleted += deleted
          if (deleted > 0)
            this.#emit({
              level: 'info',
              msg: 'Retention deleted segments.',
              topic: name,
              partition: part.settings.partition,
              segments: deleted,
            })
        } else {
          if (part.active.size > 0 && now - part.active.createdMs >= topic.config.segmentMs) part.roll(now)
          const result = compactPartition(part, now)
          if (result.segmentsRewritten > 0) this.stats.compactions++
        }
        await yieldToLoop()
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#maintenanceTimer !== undefined) clearInterval(this.#maintenanceTimer)
    await this.#maintenanceRunning
    await this.#txns?.drain()
    if (!this.#readOnly) await this.#groupCommit.flush()
    this.#closeFiles()
  }

  crashForTesting(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#maintenanceTimer !== undefined) clearInterval(this.#maintenanceTimer)
    this.#groupCommit.abandon(new LogClosedError())
    this.#closeFiles()
  }

  #closeFiles(): void {
    for (const { partitions } of this.#topics.values()) for (const p of partitions) p.close()
    this.#lock?.release()
  }

  #checkOpen(): void {
    if (this.#closed) throw new LogClosedError()
  }

  #checkWritable(): void {
    this.#checkOpen()
    if (this.#readOnly)
      throw new InvalidArgumentError('The log was opened read-only (inspection); writes are refused.')
  }

  #partition(topic: string, partition: number, allowInternal: boolean): Partition {
    const t = this.#topics.get(topic)
    if (t === undefined || (!allowInternal && topic.startsWith('__'))) throw new UnknownTopicError(topic)
    const part = Number.isInteger(partition) ? t.partitions[partition] : undefined
    if (part === undefined) throw new UnknownTopicError(topic, partition)
    return part
  }

  #internal(topic: string): Partition {
    return this.#partition(topic, 0, true)
  }
}
