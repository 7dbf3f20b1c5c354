import { crc32 } from 'node:zlib'
import type { LogRecord, ReadRecord } from '../log.js'

/**
 * Record-batch format, version 1 (little-endian). Written by hand because it *is* the log: its
 * framing, checksum and recovery rules are the product, and no library owns them.
 *
 * ```
 * off size field
 *   0    4 crc               CRC-32 of bytes [4, length)
 *   4    8 baseOffset        u64 (as lo/hi u32; offsets stay below 2^53)
 *  12    4 length            u32, whole batch including this header
 *  16    1 version           = 1
 *  17    1 attributes        bit0 transactional, bit1 control
 *  18    2 reserved          = 0
 *  20    4 lastOffsetDelta   u32 (records may be sparse after compaction)
 *  24    8 firstTimestamp    f64 epoch ms
 *  32    8 maxTimestamp      f64 epoch ms
 *  40    8 producerId        f64 (-1: none)
 *  48    2 producerEpoch     i16 (-1: none)
 *  50    4 baseSequence      i32 (-1: none)
 *  54    4 recordCount       u32
 *  58      records: offsetDelta u32, timestamp f64, keyLength i32 (-1 = null), key,
 *                   valueLength i32 (-1 = null), value
 * ```
 * The CRC covers every byte but itself, in one contiguous range (one `crc32` call per batch), so
 * a flipped bit anywhere (offset, length, payload) is caught. A control batch carries one record whose key is `[version u16 = 0, type u16]` with
 * type 0 = abort, 1 = commit, and a null value (Kafka's control record shape).
 */
export const BATCH_FORMAT_VERSION = 1
export const BATCH_HEADER_BYTES = 58
export const RECORD_OVERHEAD_BYTES = 20

export const ATTR_TRANSACTIONAL = 1
export const ATTR_CONTROL = 2

export const CONTROL_ABORT = 0
export const CONTROL_COMMIT = 1

const TWO_32 = 2 ** 32

export interface BatchHeaderFields {
  readonly baseOffset: number
  readonly attributes: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** Bytes `encodeBatch` will produce for these records. */
export function encodedBatchSize(records: readonly LogRecord[]): number {
  let size = BATCH_HEADER_BYTES
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    size += RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  }
  return size
}

/**
 * Encodes `records` as one batch. `offsetDeltas` (ascending) keeps the offsets of a compacted
 * batch; by default record i gets delta i. `lastOffsetDelta` defaults to the last record's delta.
 */
export function encodeBatch(
  header: BatchHeaderFields,
  records: readonly LogRecord[],
  offsetDeltas?: readonly number[],
  lastOffsetDelta?: number,
): Buffer {
  const buf = Buffer.allocUnsafe(encodedBatchSize(records))
  encodeBatchInto(buf, header, records, offsetDeltas, lastOffsetDelta)
  return buf
}

/**
 * `encodeBatch` into `buf` (at least `encodedBatchSize(records)` long, e.g. a reused scratch
 * buffer on the append path); returns the batch length.
 */
export function encodeBatchInto(
  buf: Buffer,
  header: BatchHeaderFields,
  records: readonly LogRecord[],
  offsetDeltas?: readonly number[],
  lastOffsetDelta?: number,
): number {
  let firstTs = records.length > 0 ? records[0]!.timestampMs : 0
  let maxTs = -Infinity
  let pos = BATCH_HEADER_BYTES
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    const ts = r.timestampMs
    if (ts > maxTs) maxTs = ts
    if (i === 0) firstTs = ts
    buf.writeUInt32LE(offsetDeltas?.[i] ?? i, pos)
    buf.writeDoubleLE(ts, pos + 4)
    pos = writeBytes(buf, pos + 12, r.key)
    pos = writeBytes(buf, pos, r.value)
  }
  const size = pos // records were written back to back: no second pass over them for the size
  const last = lastOffsetDelta ?? offsetDeltas?.[records.length - 1] ?? records.length - 1
  writeOffset(buf, 4, header.baseOffset)
  buf.writeUInt32LE(size, 12)
  buf.writeUInt8(BATCH_FORMAT_VERSION, 16)
  buf.writeUInt8(header.attributes, 17)
  buf.writeUInt16LE(0, 18)
  buf.writeUInt32LE(Math.max(0, last), 20)
  buf.writeDoubleLE(firstTs, 24)
  buf.writeDoubleLE(records.length > 0 ? maxTs : firstTs, 32)
  buf.writeDoubleLE(header.producerId, 40)
  buf.writeInt16LE(header.producerEpoch, 48)
  buf.writeInt32LE(header.baseSequence, 50)
  buf.writeUInt32LE(records.length, 54)
  buf.writeUInt32LE(batchCrc(buf, 0, size), 0)
  return size
}

/** A control batch (commit or abort marker) for one producer. */
export function encodeControlBatch(
  baseOffset: number,
  producerId: number,
  producerEpoch: number,
  type: typeof CONTROL_ABORT | typeof CONTROL_COMMIT,
  timestampMs: number,
): Buffer {
  const key = Buffer.alloc(4)
  key.writeUInt16LE(0, 0)
  key.writeUInt16LE(type, 2)
  return encodeBatch(
    {
      baseOffset,
      attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
      producerId,
      producerEpoch,
      baseSequence: -1,
    },
    [{ key, value: null, timestampMs }],
  )
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    buf.writeInt32LE(-1, pos)
    return pos + 4
  }
  buf.writeInt32LE(bytes.length, pos)
  buf.set(bytes, pos + 4)
  return pos + 4 + bytes.length
}

function writeOffset(buf: Buffer, pos: number, offset: number): void {
  buf.writeUInt32LE(offset % TWO_32, pos)
  buf.writeUInt32LE(Math.floor(offset / TWO_32), pos + 4)
}

export function batchCrc(buf: Uint8Array, start: number, length: number): number {
  return crc32(buf.subarray(start + 4, start + length))
}

// Field readers over a buffer holding a batch at `pos`: no object per batch on scans.
export const readStoredCrc = (b: Buffer, pos: number): number => b.readUInt32LE(pos)
export const readBaseOffset = (b: Buffer, pos: number): number =>
  b.readUInt32LE(pos + 4) + b.readUInt32LE(pos + 8) * TWO_32
export const readLength = (b: Buffer, pos: number): number => b.readUInt32LE(pos + 12)
export const readVersion = (b: Buffer, pos: number): number => b.readUInt8(pos + 16)
export const readAttributes = (b: Buffer, pos: number): number => b.readUInt8(pos + 17)
export const readLastOffset = (b: Buffer, pos: number): number =>
  readBaseOffset(b, pos) + b.readUInt32LE(pos + 20)
export const readMaxTimestamp = (b: Buffer, pos: number): number => b.readDoubleLE(pos + 32)
export const readProducerId = (b: Buffer, pos: number): number => b.readDoubleLE(pos + 40)
export const readProducerEpoch = (b: Buffer, pos: number): number => b.readInt16LE(pos + 48)
export const readBaseSequence = (b: Buffer, pos: number): number => b.readInt32LE(pos + 50)
export const readRecordCount = (b: Buffer, pos: number): number => b.readUInt32LE(pos + 54)

/** Outcomes of `checkBatch`. Plain numbers: this runs once per batch on every scan. */
export const CHECK_OK = 0
/** Not enough bytes for the header or the declared length: a torn tail. */
export const CHECK_TRUNCATED = 1
/** Bytes are there but wrong: bad version, length, offset or checksum. */
export const CHECK_CORRUPT = 2
export type HeaderCheck = typeof CHECK_OK | typeof CHECK_TRUNCATED | typeof CHECK_CORRUPT

/**
 * Validates the batch at `pos` of `buf` (`end` = bytes available). `expectedBaseOffset` < 0 skips
 * the offset continuity check. Never throws; a record batch is served only after this says Ok.
 */
export function checkBatch(
  buf: Buffer,
  pos: number,
  end: number,
  expectedBaseOffset: number,
  maxBatchBytes: number,
): HeaderCheck {
  if (end - pos < BATCH_HEADER_BYTES) return CHECK_TRUNCATED
  const length = readLength(buf, pos)
  if (length < BATCH_HEADER_BYTES || length > maxBatchBytes + BATCH_HEADER_BYTES) return CHECK_CORRUPT
  if (readVersion(buf, pos) !== BATCH_FORMAT_VERSION) return CHECK_CORRUPT
  if (end - pos < length) return CHECK_TRUNCATED
  if (batchCrc(buf, pos, length) !== readStoredCrc(buf, pos)) return CHECK_CORRUPT
  if (expectedBaseOffset >= 0 && readBaseOffset(buf, pos) !== expectedBaseOffset) return CHECK_CORRUPT
  return CHECK_OK
}

/** The control type (abort/commit) of a control batch already checked by `checkBatch`. */
export function readControlType(buf: Buffer, pos: number): number {
  // first record: offsetDelta(4) ts(8) keyLen(4) key[0..4): version u16, type u16
  return buf.readUInt16LE(pos + BATCH_HEADER_BYTES + 16 + 2)
}

/**
 * Decodes the records of a checked batch with offset in [minOffset, maxOffset) into `out`.
 * Keys and values are views into `buf` (no copy).
 */
export function decodeRecords(
  buf: Buffer,
  pos: number,
  minOffset: number,
  maxOffset: number,
  out: ReadRecord[],
): void {
  const base = readBaseOffset(buf, pos)
  const count = readRecordCount(buf, pos)
  let p = pos + BATCH_HEADER_BYTES
  for (let i = 0; i < count; i++) {
    const offset = base + buf.readUInt32LE(p)
    const timestampMs = buf.readDoubleLE(p + 4)
    const keyLen = buf.readInt32LE(p + 12)
    p += 16
    const key = keyLen < 0 ? null : buf.subarray(p, p + keyLen)
    if (keyLen > 0) p += keyLen
    const valueLen = buf.readInt32LE(p)
    p += 4
    const value = valueLen < 0 ? null : buf.subarray(p, p + valueLen)
    if (valueLen > 0) p += valueLen
    if (offset >= minOffset && offset < maxOffset) out.push({ offset, timestampMs, key, value })
  }
}
