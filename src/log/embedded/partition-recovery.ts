import * as fs from 'node:fs'
import * as path from 'node:path'
import { BatchCursor } from './batch-cursor.js'
import { ProducerState } from './producer-state.js'
import { Segment, listSegmentBaseOffsets } from './segment.js'
import { SegmentIndex } from './segment-index.js'
import type { SegmentFilePool } from './segment-file-pool.js'
import { readSidecar, writeSidecar } from './segment-sidecar.js'
import type { AbortedTxn, SidecarData } from './segment-sidecar.js'
import { applyBatchToState } from './partition-state.js'
import { readLastOffset, readLength, readMaxTimestamp, readBaseOffset } from './batch-format.js'

/**
 * Opening a partition directory: the recovery half of the segment design.
 *
 * 1. Leftovers of an interrupted compaction (`*.cleaned`, `*.tmp`) are removed: the rename that
 *    publishes a compacted segment is atomic, so the original is still there and complete.
 * 2. Sealed segments (all but the last) are trusted through their sidecar (index, aborted txns,
 *    producer snapshot) when it is intact and matches the file size.
 * 3. From the first sealed segment without a usable sidecar — or else from the last segment — every
 *    batch is scanned: framing, CRC and offset order are checked, indexes and producer state are
 *    rebuilt. The scan stops at the first torn or corrupt batch and the file is cut there; any
 *    later segment is removed with it (offsets must stay contiguous). Nothing past the cut is
 *    ever served. In read-only mode nothing is cut or written: reads simply stop there.
 */
export interface RecoveredPartition {
  readonly segments: Segment[]
  readonly producers: ProducerState
  readonly aborted: AbortedTxn[]
  readonly truncatedBytes: number
}

export interface RecoveryOptions {
  readonly dir: string
  readonly indexIntervalBytes: number
  readonly maxBatchBytes: number
  readonly maxProducers: number
  readonly readOnly: boolean
  readonly segmentFiles: SegmentFilePool
  readonly nowMs: number
  readonly onEvent: (level: 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void
}

const SCAN_CHUNK_BYTES = 8 * 1024 * 1024

export function recoverPartition(opts: RecoveryOptions): RecoveredPartition {
  if (!opts.readOnly) removeLeftovers(opts.dir)
  const bases = listSegmentBaseOffsets(opts.dir)
  const producers = new ProducerState(opts.maxProducers)
  const aborted: AbortedTxn[] = []
  const segments: Segment[] = []
  let truncatedBytes = 0

  // Trusted prefix: sealed segments with a usable sidecar.
  let i = 0
  let lastSidecar: SidecarData | undefined
  for (; i < bases.length - 1; i++) {
    const seg = openSegment(opts, bases[i]!)
    const sidecar = readSidecar(opts.dir, seg.baseOffset, seg.fileSize(), opts.indexIntervalBytes)
    if (sidecar === undefined) {
      seg.close()
      break
    }
    seg.index = sidecar.index
    seg.size = sidecar.size
    seg.nextOffset = sidecar.nextOffset
    seg.maxTimestamp = sidecar.maxTimestamp
    aborted.push(...sidecar.aborted)
    segments.push(seg)
    lastSidecar = sidecar
  }
  if (lastSidecar !== undefined) producers.restore(lastSidecar.producers)

  // Scanned suffix.
  for (; i < bases.length; i++) {
    const seg = openSegment(opts, bases[i]!)
    const fileSize = seg.fileSize()
    const cursor = new BatchCursor(seg, 0, {
      chunkBytes: SCAN_CHUNK_BYTES,
      maxBatchBytes: opts.maxBatchBytes,
      tolerant: true,
      end: fileSize,
    })
    const firstAborted = aborted.length
    while (cursor.next()) {
      const { buf, pos } = cursor
      applyBatchToState(buf, pos, producers, aborted, opts.nowMs)
      seg.noteBatch(
        readBaseOffset(buf, pos),
        readLastOffset(buf, pos),
        cursor.filePos,
        readLength(buf, pos),
        readMaxTimestamp(buf, pos),
      )
    }
    segments.push(seg)
    const validEnd = cursor.nextFilePos
    if (validEnd < fileSize) {
      truncatedBytes += fileSize - validEnd
      opts.onEvent(
        i === bases.length - 1 ? 'warn' : 'error',
        'Recovery found a torn or corrupt batch and cut the segment there.',
        {
          segment: seg.filePath,
          validBytes: validEnd,
          fileBytes: fileSize,
          problem: cursor.problem,
          laterSegmentsRemoved: bases.length - 1 - i,
        },
      )
      if (!opts.readOnly) {
        seg.truncateTo(validEnd)
        fs.fsyncSync(seg.fd)
        for (const later of bases.slice(i + 1))
          removeSegmentFiles(opts.dir, later, (n) => (truncatedBytes += n))
      }
      break
    }
    // A sealed segment that needed a scan gets a fresh sidecar so the next open is fast.
    if (i < bases.length - 1 && !opts.readOnly) {
      writeSidecar(opts.dir, seg.baseOffset, {
        size: seg.size,
        nextOffset: seg.nextOffset,
        maxTimestamp: seg.maxTimestamp,
        aborted: aborted.slice(firstAborted),
        producers: producers.snapshot(opts.nowMs, Number.POSITIVE_INFINITY),
        index: seg.index,
      })
    }
  }
  return { segments, producers, aborted, truncatedBytes }
}

function openSegment(opts: RecoveryOptions, baseOffset: number): Segment {
  const index = new SegmentIndex(opts.indexIntervalBytes)
  return Segment.open(opts.dir, baseOffset, index, opts.nowMs, opts.readOnly, opts.segmentFiles)
}

function removeLeftovers(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.cleaned') || f.endsWith('.tmp')) fs.rmSync(path.join(dir, f), { force: true })
  }
}

function removeSegmentFiles(dir: string, base: number, onBytes: (n: number) => void): void {
  const seg = path.join(dir, `${String(base).padStart(20, '0')}.log`)
  try {
    onBytes(fs.statSync(seg).size)
  } catch {
    // already gone
  }
  fs.rmSync(seg, { force: true })
  fs.rmSync(path.join(dir, `${String(base).padStart(20, '0')}.index`), { force: true })
}
