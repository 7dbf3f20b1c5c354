import { crc32 } from 'node:zlib'
import type { LogRecord } from '../../log.js'

/**
 * What the crash writer (`crash-writer.ts`) appends and the crash test (`../crash.test.ts`) checks.
 *
 * A batch is identified by (run, partition, seq): `run` numbers the writer processes started on one
 * data dir, `seq` counts the batches of one run in one partition, in append (= offset) order. Its
 * shape (record count, sizes) and payload bytes are a pure function of that id, so the parent can
 * regenerate and compare what it reads, and a writer can rebuild an old batch to retry it.
 *
 * Record value, little-endian:
 * ```
 *  0 u32 magic 'VCRW'      4 u32 run          8 u32 seq        12 u16 index     14 u16 count
 * 16 u8  partition        17 u8  reserved    18 u16 reserved  20 u32 txn (0: none)
 * 24 f64 producerId (-1)  32 i32 epoch (-1)  36 i32 producer sequence of the batch (-1)
 * 40 u32 payload length   44 u32 CRC-32 of bytes [0,44) and the payload
 * 48 payload
 * ```
 */
export const CRASH_TOPIC = 'crash'
export const CRASH_PARTITIONS = 3
/**
 * Small, so segments roll (and sidecars are written) dozens of times per run; not smaller, as the
 * log keeps an fd per segment and a data dir should take about 10 runs under a 1024-fd limit.
 */
export const CRASH_SEGMENT_BYTES = 256 * 1024
/** Appends without a producer. */
export const PLAIN_PARTITION = 0
/** Appends of an idempotent producer (a new one per run). */
export const IDEMPOTENT_PARTITION = 1
/** Transactional appends of one transactional id (a new epoch per run). */
export const TXN_PARTITION = 2
export const CRASH_TRANSACTIONAL_ID = 'crash-writer'

const MAGIC = 0x57524356 // 'VCRW'
const HEADER_BYTES = 48

export interface CrashBatchId {
  readonly run: number
  readonly partition: number
  readonly seq: number
}

/** Who appended a batch; `producerId` -1 for plain appends. Part of the record, so part of its CRC. */
export interface CrashBatchMeta {
  readonly txn: number
  readonly producerId: number
  readonly epoch: number
  readonly producerSeq: number
}

export const NO_PRODUCER: CrashBatchMeta = { txn: 0, producerId: -1, epoch: -1, producerSeq: -1 }

export interface DecodedCrashRecord extends CrashBatchId, CrashBatchMeta {
  readonly index: number
  readonly count: number
}

export function batchKey(id: CrashBatchId): string {
  return `${id.partition}:${id.run}:${id.seq}`
}

/** A 32-bit hash of a few integers (murmur3 finaliser over a running mix). */
export function hash32(...values: readonly number[]): number {
  let h = 0x9e3779b9
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/** Record count and value payload sizes of a batch: 1-20 records, mostly small, 1% up to 32 KiB. */
export function batchShape(id: CrashBatchId): number[] {
  const h = hash32(id.run, id.partition, id.seq, 1)
  const count = 1 + (h % 20)
  const sizes: number[] = []
  for (let i = 0; i < count; i++) {
    const r = hash32(h, i)
    const bucket = r % 100
    if (bucket < 80) sizes.push(r % 257)
    else if (bucket < 99) sizes.push(256 + (r % 1793))
    else sizes.push(4096 + (r % (28 * 1024 + 1)))
  }
  return sizes
}

/** Whether the writer commits (true) or aborts transaction `txn` of run `run`: about 1 in 5 aborts. */
export function txnCommits(run: number, txn: number): boolean {
  return hash32(run, txn, 7) % 5 !== 0
}

/** Transactional producer batches carry their txn number; others 0. Keys: null on the plain partition. */
export function buildBatch(id: CrashBatchId, meta: CrashBatchMeta, timestampMs: number): LogRecord[] {
  const sizes = batchShape(id)
  return sizes.map((size, index) => ({
    key: id.partition === PLAIN_PARTITION ? null : recordKey(id, index),
    value: encodeValue(id, meta, index, sizes.length, size),
    timestampMs,
  }))
}

export function recordKey(id: CrashBatchId, index: number): Buffer {
  const key = Buffer.alloc(12)
  key.writeUInt32LE(id.run, 0)
  key.writeUInt32LE(id.seq, 4)
  key.writeUInt32LE(index, 8)
  return key
}

function encodeValue(
  id: CrashBatchId,
  meta: CrashBatchMeta,
  index: number,
  count: number,
  size: number,
): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + size)
  buf.writeUInt32LE(MAGIC, 0)
  buf.writeUInt32LE(id.run, 4)
  buf.writeUInt32LE(id.seq, 8)
  buf.writeUInt16LE(index, 12)
  buf.writeUInt16LE(count, 14)
  buf.writeUInt8(id.partition, 16)
  buf.writeUInt32LE(meta.txn, 20)
  buf.writeDoubleLE(meta.producerId, 24)
  buf.writeInt32LE(meta.epoch, 32)
  buf.writeInt32LE(meta.producerSeq, 36)
  buf.writeUInt32LE(size, 40)
  fillPayload(buf, HEADER_BYTES, size, hash32(id.run, id.partition, id.seq, index))
  buf.writeUInt32LE(valueCrc(buf), 44)
  return buf
}

/** xorshift32 stream: cheap, deterministic, not compressible by accident. */
function fillPayload(buf: Buffer, start: number, size: number, seed: number): void {
  let x = seed | 1
  let i = 0
  for (; i + 4 <= size; i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    buf.writeInt32LE(x | 0, start + i)
  }
  for (; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    buf[start + i] = x & 0xff
  }
}

function valueCrc(buf: Uint8Array): number {
  return crc32(buf.subarray(HEADER_BYTES), crc32(buf.subarray(0, 44)))
}

/** Decodes and checks a record value (framing and CRC); a string says what is wrong. */
export function decodeValue(value: Uint8Array | null): DecodedCrashRecord | string {
  if (value === null) return 'null value'
  if (value.length < HEADER_BYTES) return `value of ${value.length} bytes is shorter than the header`
  const buf = Buffer.from(value.buffer, value.byteOffset, value.length)
  if (buf.readUInt32LE(0) !== MAGIC) return 'bad magic'
  const size = buf.readUInt32LE(40)
  if (size !== value.length - HEADER_BYTES) return `payload length ${size} != ${value.length - HEADER_BYTES}`
  if (valueCrc(buf) !== buf.readUInt32LE(44)) return 'payload checksum mismatch'
  return {
    run: buf.readUInt32LE(4),
    seq: buf.readUInt32LE(8),
    index: buf.readUInt16LE(12),
    count: buf.readUInt16LE(14),
    partition: buf.readUInt8(16),
    txn: buf.readUInt32LE(20),
    producerId: buf.readDoubleLE(24),
    epoch: buf.readInt32LE(32),
    producerSeq: buf.readInt32LE(36),
  }
}

/** The exact value the writer produced for this record, or undefined if it never writes such an index. */
export function expectedValue(rec: DecodedCrashRecord): Buffer | undefined {
  const sizes = batchShape(rec)
  const size = sizes[rec.index]
  if (size === undefined || rec.count !== sizes.length) return undefined
  return encodeValue(rec, rec, rec.index, sizes.length, size)
}
