import * as fs from 'node:fs'
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  CONTROL_ABORT,
  CONTROL_COMMIT,
  decodeRecords,
  encodeBatchInto,
  encodeControlBatch,
  encodedBatchSize,
  readAttributes,
  readBaseOffset,
  readLastOffset,
  readLength,
  readMaxTimestamp,
  readProducerId,
} from './batch-format.js'
import { BatchCursor } from './batch-cursor.js'
import type { EmbeddedLogConfig } from './config.js'
import { DirectorySync } from './group-commit.js'
import type { GroupCommit } from './group-commit.js'
import { recoverPartition } from './partition-recovery.js'
import { applyBatchToState, firstAbortedFrom, isAborted } from './partition-state.js'
import type { ProducerState } from './producer-state.js'
import type { ScratchBuffer } from './scratch-buffer.js'
import type { SegmentFilePool } from './segment-file-pool.js'
import { Segment } from './segment.js'
import { writeSidecar } from './segment-sidecar.js'
import type { AbortedTxn } from './segment-sidecar.js'
import type { EmbeddedTopicConfig } from './topic-config.js'
import { InvalidArgumentError, LogStorageError, OffsetOutOfRangeError } from '../errors.js'
import type {
  AppendResult,
  IsolationLevel,
  LogRecord,
  PartitionDescription,
  ReadRecord,
  ReadResult,
} from '../log.js'

export interface PartitionSettings {
  readonly dir: string
  readonly topic: string
  readonly partition: number
  readonly topicConfig: EmbeddedTopicConfig
  readonly logConfig: EmbeddedLogConfig
  readonly groupCommit: GroupCommit
  /** Shared encode buffer of the log (appends are synchronous, so one serves all partitions). */
  readonly scratch: ScratchBuffer
  /** Bounds the fds of sealed segments across the log. */
  readonly segmentFiles: SegmentFilePool
  readonly readOnly: boolean
  readonly onEvent: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void
}

export interface ProducerAppend {
  readonly producerId: number
  readonly epoch: number
  /** -1: no sequence check (internal transactional writes). */
  readonly sequence: number
}

const READ_CHUNK_BYTES = 1024 * 1024

/**
 * One partition: an ordered list of segments (the last one is active), the producer state and the
 * aborted-transaction list. Single writer; every method is synchronous, so callers on the event
 * loop see each append, roll, deletion or compaction as one atomic step.
 */
export class Partition {
  readonly settings: PartitionSettings
  segments: Segment[]
  readonly producers: ProducerState
  /** Sorted by `lastOffset` (marker offset): appended in log order. */
  aborted: AbortedTxn[]
  readonly #dirSync: DirectorySync
  /** Encoded size of the last batch written by `append`, for byte counters. */
  lastBatchBytes = 0

  private constructor(
    settings: PartitionSettings,
    segments: Segment[],
    producers: ProducerState,
    aborted: AbortedTxn[],
  ) {
    this.settings = settings
    this.segments = segments
    this.producers = producers
    this.aborted = aborted
    this.#dirSync = new DirectorySync(settings.dir)
  }

  /** Opens (and recovers) the partition directory, creating it when new. */
  static open(settings: PartitionSettings, nowMs: number): { partition: Partition; truncatedBytes: number } {
    const { dir, logConfig, readOnly } = settings
    if (!readOnly) fs.mkdirSync(dir, { recursive: true })
    const recovered = recoverPartition({
      dir,
      indexIntervalBytes: logConfig.indexIntervalBytes,
      maxBatchBytes: logConfig.maxBatchBytes,
      maxProducers: logConfig.maxProducersPerPartition,
      readOnly,
      segmentFiles: settings.segmentFiles,
      nowMs,
      onEvent: (level, msg, fields) =>
        settings.onEvent(level, msg, { topic: settings.topic, partition: settings.partition, ...fields }),
    })
    const segments = recovered.segments
    if (segments.length === 0 && !readOnly)
      segments.push(Segment.create(dir, 0, logConfig.indexIntervalBytes, nowMs, settings.segmentFiles))
    if (segments.length > 0 && !readOnly) segments[segments.length - 1]!.pin(true)
    const partition = new Partition(settings, segments, recovered.producers, recovered.aborted)
    if (segments.length === 0) return { partition, truncatedBytes: 0 }
    return { partition, truncatedBytes: recovered.truncatedBytes }
  }

  get active(): Segment {
    return this.segments[this.segments.length - 1]!
  }

  get highWatermark(): number {
    return this.segments.length === 0 ? 0 : this.active.nextOffset
  }

  get logStartOffset(): number {
    return this.segments.length === 0 ? 0 : this.segments[0]!.baseOffset
  }

  get lastStableOffset(): number {
    return this.producers.firstUnstableOffset(this.highWatermark)
  }

  get sizeBytes(): number {
    let total = 0
    for (const s of this.segments) total += s.size
    return total
  }

  /**
   * Writes a data batch (to the page cache). Throws for invalid input, fencing and sequence errors;
   * a retried batch returns its first write's offsets with `duplicate: true`.
   */
  append(
    records: readonly LogRecord[],
    producer: ProducerAppend | undefined,
    transactional: boolean,
    nowMs: number,
  ): AppendResult {
    if (producer !== undefined) {
      const check = this.producers.check(
        producer.producerId,
        producer.epoch,
        producer.sequence,
        records.length,
      )
      if (check.kind === 'duplicate')
        return { baseOffset: check.baseOffset, lastOffset: check.lastOffset, duplicate: true }
    }
    if (this.settings.topicConfig.cleanupPolicy === 'compact') {
      for (const r of records) {
        if (r.key === null)
          throw new InvalidArgumentError(
            `Topic "${this.settings.topic}" is compacted: every record needs a key.`,
          )
      }
    }
    const size = encodedBatchSize(records)
    if (size > this.settings.logConfig.maxBatchBytes) {
      throw new InvalidArgumentError(
        `The batch encodes to ${size} bytes, above maxBatchBytes (${this.settings.logConfig.maxBatchBytes}); split it.`,
      )
    }
    const baseOffset = this.highWatermark
    const batch = this.settings.scratch.get(size)
    encodeBatchInto(
      batch,
      {
        baseOffset,
        attributes: transactional ? ATTR_TRANSACTIONAL : 0,
        producerId: producer?.producerId ?? -1,
        producerEpoch: producer?.epoch ?? -1,
        baseSequence: producer?.sequence ?? -1,
      },
      records,
    )
    this.#write(batch, size, nowMs)
    this.lastBatchBytes = size
    return { baseOffset, lastOffset: baseOffset + records.length - 1, duplicate: false }
  }

  /** Writes a commit or abort marker for `producerId`'s open transaction here; returns its offset. */
  appendMarker(producerId: number, epoch: number, commit: boolean, nowMs: number): number {
    const offset = this.highWatermark
    const marker = encodeControlBatch(
      offset,
      producerId,
      epoch,
      commit ? CONTROL_COMMIT : CONTROL_ABORT,
      nowMs,
    )
    this.#write(marker, marker.length, nowMs)
    return offset
  }

  #write(batch: Buffer, length: number, nowMs: number): void {
    this.#maybeRoll(length, nowMs)
    const seg = this.active
    try {
      seg.append(
        batch,
        length,
        readBaseOffset(batch, 0),
        readLastOffset(batch, 0),
        readMaxTimestamp(batch, 0),
      )
    } catch (err) {
      throw new LogStorageError(`Append to ${seg.filePath} failed: ${(err as Error).message}`, err)
    }
    applyBatchToState(batch, 0, this.producers, this.aborted, nowMs)
  }

  #maybeRoll(incomingBytes: number, nowMs: number): void {
    const seg = this.active
    if (seg.size === 0) return
    const full = seg.size + incomingBytes > this.settings.topicConfig.segmentBytes
    const old = nowMs - seg.createdMs >= this.settings.topicConfig.segmentMs
    if (full || old) this.roll(nowMs)
  }

  /** Seals the active segment (writing its sidecar) and starts a new one. */
  roll(nowMs: number): void {
    const old = this.active
    const { logConfig, dir, groupCommit } = this.settings
    writeSidecar(dir, old.baseOffset, {
      size: old.size,
      nextOffset: old.nextOffset,
      maxTimestamp: old.maxTimestamp,
      aborted: this.aborted.filter((a) => a.lastOffset >= old.baseOffset && a.lastOffset < old.nextOffset),
      producers: this.producers.snapshot(nowMs, logConfig.producerIdleExpiryMs),
      index: old.index,
    })
    // Prefix durability across segments: the sealed segment's tail is made durable before any byte
    // can go to the next one. Otherwise both fsyncs of the next group commit run side by side, a
    // power loss between them can keep the new segment's data while losing the old one's tail,
    // and recovery (which sees two clean segments) would serve a gap in the offsets. One
    // fdatasync per roll (segments are large), on the append path.
    if (logConfig.fsync !== 'none') {
      try {
        fs.fdatasyncSync(old.fd)
      } catch (err) {
        throw new LogStorageError(
          `fsync of ${old.filePath} before rolling failed: ${(err as Error).message}`,
          err,
        )
      }
    } else {
      groupCommit.markDirty(old)
    }
    this.segments.push(
      Segment.create(dir, old.nextOffset, logConfig.indexIntervalBytes, nowMs, this.settings.segmentFiles),
    )
    old.pin(false)
    groupCommit.markDirty(this.#dirSync)
  }

  /** The file to wait on for durability of the latest append. */
  durabilityTarget(): Segment {
    return this.active
  }

  read(fromOffset: number, maxBytes: number, isolation: IsolationLevel): ReadResult {
    const highWatermark = this.highWatermark
    const lastStableOffset = this.lastStableOffset
    const logStartOffset = this.logStartOffset
    const base = { highWatermark, lastStableOffset, logStartOffset }
    if (fromOffset < logStartOffset || fromOffset > highWatermark) {
      throw new OffsetOutOfRangeError(
        this.settings.topic,
        this.settings.partition,
        fromOffset,
        logStartOffset,
        highWatermark,
      )
    }
    const upper = isolation === 'read_committed' ? lastStableOffset : highWatermark
    const records: ReadRecord[] = []
    let nextOffset = fromOffset
    if (fromOffset >= upper) return { records, nextOffset, ...base }
    const abortedFrom =
      isolation === 'read_committed' ? firstAbortedFrom(this.aborted, fromOffset) : this.aborted.length
    let bytes = 0
    let si = this.#segmentIndexFor(fromOffset)
    let filePos = this.segments[si]!.index.positionForOffset(fromOffset - this.segments[si]!.baseOffset)
    outer: for (; si < this.segments.length; si++, filePos = 0) {
      const seg = this.segments[si]!
      if (seg.baseOffset >= upper) break
      const cursor = new BatchCursor(seg, filePos, {
        chunkBytes: Math.min(READ_CHUNK_BYTES, Math.max(maxBytes, 4096)),
        maxBatchBytes: this.settings.logConfig.maxBatchBytes,
      })
      while (cursor.next()) {
        const { buf, pos } = cursor
        const batchBase = readBaseOffset(buf, pos)
        const batchLast = readLastOffset(buf, pos)
        if (batchLast < fromOffset) continue
        if (batchBase >= upper) break outer
        const length = readLength(buf, pos)
        const attributes = readAttributes(buf, pos)
        const isControl = (attributes & ATTR_CONTROL) !== 0
        const hidden =
          isControl ||
          ((attributes & ATTR_TRANSACTIONAL) !== 0 &&
            isAborted(this.aborted, abortedFrom, readProducerId(buf, pos), batchBase))
        if (!hidden) {
          if (records.length > 0 && bytes + length > maxBytes) break outer
          decodeRecords(buf, pos, fromOffset, upper, records)
          bytes += length
        }
        nextOffset = Math.min(batchLast + 1, upper)
      }
    }
    if (records.length > 0) nextOffset = Math.max(nextOffset, records[records.length - 1]!.offset + 1)
    return { records, nextOffset, ...base }
  }

  offsetForTime(timestampMs: number): number {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestampMs) continue
      const cursor = new BatchCursor(seg, seg.index.positionForTime(timestampMs), {
        chunkBytes: READ_CHUNK_BYTES,
        maxBatchBytes: this.settings.logConfig.maxBatchBytes,
      })
      const out: ReadRecord[] = []
      while (cursor.next()) {
        const { buf, pos } = cursor
        if (readMaxTimestamp(buf, pos) < timestampMs || (readAttributes(buf, pos) & ATTR_CONTROL) !== 0)
          continue
        out.length = 0
        decodeRecords(buf, pos, 0, Number.MAX_SAFE_INTEGER, out)
        for (const r of out) if (r.timestampMs >= timestampMs) return r.offset
      }
    }
    return this.highWatermark
  }

  /** Last segment whose base offset is <= `offset` (segments may have gaps after compaction). */
  #segmentIndexFor(offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.segments[mid]!.baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  describe(): PartitionDescription {
    return {
      partition: this.settings.partition,
      logStartOffset: this.logStartOffset,
      highWatermark: this.highWatermark,
      lastStableOffset: this.lastStableOffset,
      sizeBytes: this.sizeBytes,
      segments: this.segments.length,
    }
  }

  /** Deletes sealed segments past retention; never data at or above the LSO. Returns how many. */
  applyRetention(nowMs: number): number {
    const { retentionMs, retentionBytes, segmentMs } = this.settings.topicConfig
    if (this.active.size > 0 && nowMs - this.active.createdMs >= segmentMs) this.roll(nowMs)
    const lso = this.lastStableOffset
    let size = this.sizeBytes
    let deleted = 0
    while (this.segments.length > 1) {
      const seg = this.segments[0]!
      if (seg.nextOffset > lso) break
      const expired = retentionMs >= 0 && seg.maxTimestamp < nowMs - retentionMs
      const tooBig = retentionBytes >= 0 && size - seg.size >= retentionBytes
      if (!expired && !tooBig) break
      seg.delete()
      this.segments.shift()
      size -= seg.size
      deleted++
    }
    if (deleted > 0) {
      const start = this.logStartOffset
      this.aborted = this.aborted.filter((a) => a.lastOffset >= start)
      this.settings.groupCommit.markDirty(this.#dirSync)
    }
    return deleted
  }

  /** Publishes segments rewritten by compaction (see compaction.ts). */
  replaceSegments(segments: Segment[], aborted: AbortedTxn[]): void {
    this.segments = segments
    this.aborted = aborted
    this.settings.groupCommit.markDirty(this.#dirSync)
  }

  close(): void {
    for (const s of this.segments) s.close()
    this.#dirSync.close()
  }
}
