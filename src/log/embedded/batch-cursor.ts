import {
  BATCH_HEADER_BYTES,
  CHECK_OK,
  CHECK_TRUNCATED,
  checkBatch,
  readBaseOffset,
  readLastOffset,
  readLength,
} from './batch-format.js'
import type { Segment } from './segment.js'
import { CorruptRecordError } from '../errors.js'

/**
 * Iterates the batches of one segment from a file position with chunked reads. Every batch it
 * stops at has passed `checkBatch` (framing and CRC); a batch that fails is never exposed: `next()`
 * throws CorruptRecordError (reads) or, in `tolerant` mode (recovery scans), reports where the
 * valid data ends.
 */
export class BatchCursor {
  readonly #seg: Segment
  readonly #chunkBytes: number
  readonly #maxBatchBytes: number
  readonly #tolerant: boolean
  readonly #end: number
  buf: Buffer = Buffer.alloc(0)
  /** File position of `buf[0]`. */
  bufStart: number
  /** Position of the current batch inside `buf`. */
  pos = 0
  /** Tolerant mode: why iteration stopped early, if it did. */
  problem: 'truncated' | 'corrupt' | undefined
  #nextFilePos: number
  #minBaseOffset: number

  constructor(
    seg: Segment,
    filePos: number,
    options: { chunkBytes: number; maxBatchBytes: number; tolerant?: boolean; end?: number },
  ) {
    this.#seg = seg
    this.#chunkBytes = options.chunkBytes
    this.#maxBatchBytes = options.maxBatchBytes
    this.#tolerant = options.tolerant ?? false
    this.#end = options.end ?? seg.size
    this.bufStart = filePos
    this.#nextFilePos = filePos
    this.#minBaseOffset = this.#tolerant ? seg.baseOffset : -1
  }

  /** File position after the current batch; once `next()` returned false, the end of valid data. */
  get nextFilePos(): number {
    return this.#nextFilePos
  }

  /** File position of the current batch. */
  get filePos(): number {
    return this.bufStart + this.pos
  }

  /** Moves to the next complete, checked batch. False at the end of the segment (or of valid data). */
  next(): boolean {
    const filePos = this.#nextFilePos
    if (filePos >= this.#end) return false
    let p = filePos - this.bufStart
    if (this.buf.length - p < BATCH_HEADER_BYTES) {
      this.#fill(filePos, this.#chunkBytes)
      p = 0
    }
    if (this.buf.length - p >= BATCH_HEADER_BYTES) {
      const len = readLength(this.buf, p)
      if (this.buf.length - p < len && len <= this.#maxBatchBytes + BATCH_HEADER_BYTES) {
        this.#fill(filePos, Math.max(this.#chunkBytes, len))
        p = 0
      }
    }
    const check = checkBatch(this.buf, p, this.buf.length, -1, this.#maxBatchBytes)
    if (check === CHECK_OK && baseOffsetAtLeast(this.buf, p, this.#minBaseOffset)) {
      this.pos = p
      this.#nextFilePos = filePos + readLength(this.buf, p)
      if (this.#tolerant) this.#minBaseOffset = readLastOffset(this.buf, p) + 1
      return true
    }
    if (!this.#tolerant) throw new CorruptRecordError(`${this.#seg.filePath}@${filePos}`)
    this.problem = check === CHECK_TRUNCATED ? 'truncated' : 'corrupt'
    return false
  }

  #fill(filePos: number, bytes: number): void {
    this.bufStart = filePos
    this.buf = this.#seg.read(filePos, Math.min(bytes, this.#end - filePos))
  }
}

function baseOffsetAtLeast(buf: Buffer, pos: number, min: number): boolean {
  return min < 0 || readBaseOffset(buf, pos) >= min
}
