import * as fs from 'node:fs'
import * as path from 'node:path'
import { SegmentIndex } from './segment-index.js'
import type { FsyncTarget } from './group-commit.js'
import { syncBeforeClose } from './segment-file-pool.js'
import type { PooledFile, SegmentFilePool } from './segment-file-pool.js'

/**
 * One segment file of a partition: `<20-digit base offset>.log`, batches back to back, no file
 * header (every batch carries its own version and CRC). Only the partition's single writer
 * appends; all I/O is synchronous positional I/O on the event loop thread, so a reader in this
 * process never observes a half-written batch, and retention/compaction never race a read.
 * (fsync is the exception: it runs on the thread pool through `GroupCommit`.)
 */
export class Segment implements FsyncTarget, PooledFile {
  readonly baseOffset: number
  readonly filePath: string
  /** Bytes of valid batches. */
  size: number
  /** Offset after the last batch (= baseOffset when empty). */
  nextOffset: number
  maxTimestamp: number
  index: SegmentIndex
  /** Clock time the segment was created or opened, for `segmentMs` rolling. */
  readonly createdMs: number
  isClosed = false
  readonly #pool: SegmentFilePool
  readonly #readOnly: boolean
  #fd: number
  /** Only the active segment is pinned open; sealed ones go through the pool. */
  #isPinned = false
  /** Written through this fd since it was opened: fdatasync before an eviction closes it. */
  #isWritten = false

  constructor(
    dir: string,
    baseOffset: number,
    fd: number,
    index: SegmentIndex,
    createdMs: number,
    pool: SegmentFilePool,
    readOnly: boolean,
  ) {
    this.baseOffset = baseOffset
    this.filePath = segmentPath(dir, baseOffset)
    this.#fd = fd
    this.#pool = pool
    this.#readOnly = readOnly
    this.size = 0
    this.nextOffset = baseOffset
    this.maxTimestamp = -Infinity
    this.index = index
    this.createdMs = createdMs
  }

  /** Creates an empty segment file (exclusive: never clobbers an existing one), pinned open. */
  static create(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    nowMs: number,
    pool: SegmentFilePool,
  ): Segment {
    const fd = fs.openSync(segmentPath(dir, baseOffset), 'wx+')
    const seg = new Segment(dir, baseOffset, fd, new SegmentIndex(indexIntervalBytes), nowMs, pool, false)
    seg.#isPinned = true
    return seg
  }

  /** An existing segment file; its fd is opened on first use. */
  static open(
    dir: string,
    baseOffset: number,
    index: SegmentIndex,
    nowMs: number,
    readOnly: boolean,
    pool: SegmentFilePool,
  ): Segment {
    return new Segment(dir, baseOffset, -1, index, nowMs, pool, readOnly)
  }

  /** The open fd (opening it, and counting it as used, when needed). */
  get fd(): number {
    if (this.isClosed) throw new Error(`segment ${this.filePath} is closed`)
    if (this.#fd < 0) this.#fd = fs.openSync(this.filePath, this.#readOnly ? 'r' : 'r+')
    if (!this.#isPinned) this.#pool.touch(this)
    return this.#fd
  }

  /** Keeps the fd open outside the pool (the active segment); `false` when it is sealed. */
  pin(isPinned: boolean): void {
    this.#isPinned = isPinned
    if (isPinned) this.#pool.forget(this)
    else if (this.#fd >= 0) this.#pool.touch(this)
  }

  evictFd(): void {
    if (this.#fd < 0 || this.#isPinned) return
    if (this.#isWritten) syncBeforeClose(this.#fd)
    fs.closeSync(this.#fd)
    this.#fd = -1
    this.#isWritten = false
  }

  syncFd(): number {
    return this.isClosed ? -1 : this.#fd // -1 when evicted: eviction synced it
  }

  fileSize(): number {
    return this.#fd >= 0 ? fs.fstatSync(this.#fd).size : fs.statSync(this.filePath).size
  }

  /**
   * Appends one encoded batch at the end. On a failed or short write the file is cut back so the
   * segment never holds a partial batch that a later append would follow.
   */
  append(batch: Buffer, length: number, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    const position = this.size
    const fd = this.fd
    this.#isWritten = true
    try {
      let written = 0
      while (written < length) {
        written += fs.writeSync(fd, batch, written, length - written, position + written)
      }
    } catch (err) {
      try {
        fs.ftruncateSync(fd, position)
      } catch {
        // The recovery scan on next open cuts the torn tail instead.
      }
      throw err
    }
    this.noteBatch(baseOffset, lastOffset, position, length, maxTimestamp)
  }

  /** Accounts for a batch now at `position` (appended, or found by a recovery scan). */
  noteBatch(
    baseOffset: number,
    lastOffset: number,
    position: number,
    length: number,
    maxTimestamp: number,
  ): void {
    this.index.onBatch(baseOffset - this.baseOffset, position, length, this.maxTimestamp)
    this.size = position + length
    this.nextOffset = lastOffset + 1
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp
  }

  /** Reads `length` bytes at `position` into a new buffer (short at the end of the file). */
  read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length)
    const fd = this.fd
    let got = 0
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, position + got)
      if (n === 0) break
      got += n
    }
    return got === length ? buf : buf.subarray(0, got)
  }

  truncateTo(position: number): void {
    this.#isWritten = true
    fs.ftruncateSync(this.fd, position)
    this.size = position
    this.index.truncateTo(position)
  }

  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    this.#pool.forget(this)
    if (this.#fd >= 0) fs.closeSync(this.#fd)
    this.#fd = -1
  }

  /** Closes and removes the segment and its sidecar. */
  delete(): void {
    this.close()
    fs.rmSync(this.filePath, { force: true })
    fs.rmSync(sidecarPath(path.dirname(this.filePath), this.baseOffset), { force: true })
  }
}

export function segmentFileName(baseOffset: number, ext: string): string {
  return `${String(baseOffset).padStart(20, '0')}${ext}`
}

export function segmentPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.log'))
}

export function sidecarPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset, '.index'))
}

/** Base offsets of the segment files in `dir`, ascending. */
export function listSegmentBaseOffsets(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b)
}
