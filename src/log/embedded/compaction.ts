import * as fs from 'node:fs'
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  decodeRecords,
  encodeBatch,
  readAttributes,
  readBaseOffset,
  readBaseSequence,
  readLastOffset,
  readMaxTimestamp,
  readProducerEpoch,
  readProducerId,
} from './batch-format.js'
import { BatchCursor } from './batch-cursor.js'
import type { Partition } from './partition.js'
import { firstAbortedFrom, isAborted } from './partition-state.js'
import { Segment, segmentPath } from './segment.js'
import { SegmentIndex } from './segment-index.js'
import { readSidecar, writeSidecar } from './segment-sidecar.js'
import type { ReadRecord } from '../log.js'

/**
 * Compaction of a `compact` topic partition: keep only the latest record per key.
 *
 * Only sealed segments wholly below the last stable offset are rewritten, so every transaction in
 * them is decided. Pass 1 maps each key to its latest offset over all decided data (including the
 * active segment). Pass 2 rewrites each cleanable segment batch by batch, keeping a record only if
 * it is its key's latest; tombstones older than `deleteRetentionMs` go too, as do aborted records
 * and commit/abort markers. Kept records keep their offsets (batches become sparse) and lose the
 * transactional flag, since their transaction is decided. A rewritten segment is written to
 * `<base>.log.cleaned`, fsynced and renamed over the original: a crash leaves either the old or the
 * new file, never a mix, and recovery deletes a stray `.cleaned`.
 *
 * It runs synchronously on the event loop, one segment per step; changelog and internal topics
 * are small, and large compacted topics should use a smaller `segmentBytes`.
 */
export interface CompactionResult {
  readonly segmentsRewritten: number
  readonly recordsRemoved: number
}

const CHUNK_BYTES = 4 * 1024 * 1024

export function compactPartition(part: Partition, nowMs: number): CompactionResult {
  const { topicConfig, logConfig } = part.settings
  if (topicConfig.cleanupPolicy !== 'compact') return { segmentsRewritten: 0, recordsRemoved: 0 }
  const lso = part.lastStableOffset
  const sealed = part.segments.slice(0, -1)
  const cleanableCount = sealed.findIndex((s) => s.nextOffset > lso)
  const cleanable = cleanableCount < 0 ? sealed : sealed.slice(0, cleanableCount)
  if (cleanable.length === 0) return { segmentsRewritten: 0, recordsRemoved: 0 }

  const latest = latestOffsetPerKey(part, lso)
  const tombstoneLimit = topicConfig.deleteRetentionMs < 0 ? -Infinity : nowMs - topicConfig.deleteRetentionMs
  const result: Segment[] = []
  let rewritten = 0
  let removed = 0
  const scratch: ReadRecord[] = []
  for (const seg of cleanable) {
    const kept: Buffer[] = []
    let changed = false
    const cursor = new BatchCursor(seg, 0, {
      chunkBytes: CHUNK_BYTES,
      maxBatchBytes: logConfig.maxBatchBytes,
    })
    while (cursor.next()) {
      const { buf, pos } = cursor
      const attributes = readAttributes(buf, pos)
      const base = readBaseOffset(buf, pos)
      if ((attributes & ATTR_CONTROL) !== 0) {
        changed = true
        continue
      }
      scratch.length = 0
      decodeRecords(buf, pos, 0, Number.MAX_SAFE_INTEGER, scratch)
      const aborted =
        (attributes & ATTR_TRANSACTIONAL) !== 0 &&
        isAborted(part.aborted, firstAbortedFrom(part.aborted, base), readProducerId(buf, pos), base)
      const survivors = aborted
        ? []
        : scratch.filter(
            (r) =>
              latest.get(keyOf(r.key)) === r.offset && !(r.value === null && r.timestampMs < tombstoneLimit),
          )
      removed += scratch.length - survivors.length
      if (survivors.length !== scratch.length || (attributes & ATTR_TRANSACTIONAL) !== 0) changed = true
      if (survivors.length === 0) continue
      kept.push(
        encodeBatch(
          {
            baseOffset: base,
            attributes: 0,
            producerId: readProducerId(buf, pos),
            producerEpoch: readProducerEpoch(buf, pos),
            baseSequence: readBaseSequence(buf, pos),
          },
          survivors.map((r) => ({ key: copy(r.key), value: copy(r.value), timestampMs: r.timestampMs })),
          survivors.map((r) => r.offset - base),
          readLastOffset(buf, pos) - base,
        ),
      )
    }
    if (!changed) {
      result.push(seg)
      continue
    }
    rewritten++
    const replacement = rewriteSegment(part, seg, kept, nowMs)
    if (replacement !== undefined) result.push(replacement)
  }
  const cleanedEnd = cleanable[cleanable.length - 1]!.nextOffset
  part.replaceSegments(
    [...result, ...part.segments.slice(cleanable.length)],
    part.aborted.filter((a) => a.lastOffset >= cleanedEnd),
  )
  return { segmentsRewritten: rewritten, recordsRemoved: removed }
}

/** Key -> offset of its latest decided, non-aborted record. */
function latestOffsetPerKey(part: Partition, lso: number): Map<string, number> {
  const latest = new Map<string, number>()
  const scratch: ReadRecord[] = []
  for (const seg of part.segments) {
    if (seg.baseOffset >= lso) break
    const cursor = new BatchCursor(seg, 0, {
      chunkBytes: CHUNK_BYTES,
      maxBatchBytes: part.settings.logConfig.maxBatchBytes,
    })
    while (cursor.next()) {
      const { buf, pos } = cursor
      const base = readBaseOffset(buf, pos)
      if (base >= lso) break
      const attributes = readAttributes(buf, pos)
      if ((attributes & ATTR_CONTROL) !== 0) continue
      if (
        (attributes & ATTR_TRANSACTIONAL) !== 0 &&
        isAborted(part.aborted, firstAbortedFrom(part.aborted, base), readProducerId(buf, pos), base)
      ) {
        continue
      }
      scratch.length = 0
      decodeRecords(buf, pos, 0, lso, scratch)
      for (const r of scratch) latest.set(keyOf(r.key), r.offset)
    }
  }
  return latest
}

/** Writes `batches` as the new content of `seg`; returns the reopened segment, or none when empty. */
function rewriteSegment(
  part: Partition,
  seg: Segment,
  batches: Buffer[],
  nowMs: number,
): Segment | undefined {
  const { dir, logConfig } = part.settings
  const oldSidecar = readSidecar(dir, seg.baseOffset, seg.size, logConfig.indexIntervalBytes)
  const target = segmentPath(dir, seg.baseOffset)
  const nextOffset = seg.nextOffset
  seg.close()
  if (batches.length === 0) {
    seg.delete()
    return undefined
  }
  const tmp = `${target}.cleaned`
  const fd = fs.openSync(tmp, 'w')
  for (const b of batches) fs.writeSync(fd, b)
  fs.fsyncSync(fd)
  fs.closeSync(fd)
  fs.renameSync(tmp, target)
  const fresh = Segment.open(
    dir,
    seg.baseOffset,
    new SegmentIndex(logConfig.indexIntervalBytes),
    nowMs,
    false,
    part.settings.segmentFiles,
  )
  let position = 0
  for (const b of batches) {
    fresh.noteBatch(readBaseOffset(b, 0), readLastOffset(b, 0), position, b.length, readMaxTimestamp(b, 0))
    position += b.length
  }
  fresh.nextOffset = nextOffset
  if (oldSidecar !== undefined) {
    writeSidecar(dir, fresh.baseOffset, {
      size: fresh.size,
      nextOffset,
      maxTimestamp: fresh.maxTimestamp,
      aborted: [],
      producers: oldSidecar.producers,
      index: fresh.index,
    })
  } else {
    fs.rmSync(target.replace(/\.log$/, '.index'), { force: true })
  }
  return fresh
}

function keyOf(key: Uint8Array | null): string {
  return key === null ? '' : Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1')
}

function copy(bytes: Uint8Array | null): Uint8Array | null {
  return bytes === null ? null : Uint8Array.prototype.slice.call(bytes)
}
