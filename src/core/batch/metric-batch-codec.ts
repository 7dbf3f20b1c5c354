import { SERIES_KIND_CODE } from './metric-batch.js'
import type { KeptPoint, MetricBatch } from './metric-batch.js'
import { batchStringIds, cachedLabels } from './decoded-series-cache.js'
import type { Labels } from './labels.js'
import {
  LocalStringTable,
  currentEpoch,
  labelIds,
  stringByteLength,
  stringId,
  stringOfId,
} from './string-ids.js'

/**
 * Binary encoding of a MetricBatch as one log record value (format version 2, little-endian).
 * Hand-written because it is the product's own storage format. Every column — samples, the series
 * dictionary's label references, the string lengths — is a raw typed array at an aligned offset,
 * so encoding is a few bulk copies plus the distinct strings, and decoding is a view (no copy)
 * whenever the record buffer is aligned; never an object per sample.
 *
 * ```
 * 0   u8  version = 2        1 u8 kind = 1 (metrics)      2 u16 reserved
 * 4   u32 samples (n)        8 u32 series (s)             12 u32 kept points (k)
 * 16  u32 label refs (r)     20 u32 strings (c)           24 u32 tenant (string index)   28 u32 reserved
 * 32  f64[n] ts | f64[n] value | u32[n] seriesIdx | u32[s] entries per series (2 × labels)
 *     | u32[r] string index per entry | u32[c] string byte lengths | u8[s] seriesKinds
 *     | the strings' UTF-8 bytes, back to back
 *     | per kept point: u8 kind, u32 series, f64 timestampMs, u32 length, payload
 * ```
 * Strings are numbered per batch through process-wide ids (string-ids.ts), so building the table
 * costs a typed-array lookup per label, not a map lookup (the hot spot of ingest's encode step).
 * Version 1 (strings and references interleaved) was never released and is not read.
 * The log's record batch carries the CRC; this format checks its own framing on decode and
 * reports a problem as a value.
 */
export const METRIC_BATCH_FORMAT_VERSION = 2
const KIND_METRICS = 1
const HEADER_BYTES = 32
const KEPT_KINDS = ['exponential_histogram'] as const

export type DecodeBatchResult<B> =
  { readonly ok: true; readonly batch: B } | { readonly ok: false; readonly reason: string }

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('Vigil stores typed arrays little-endian and needs a little-endian platform.')
}

const table = new LocalStringTable()

export function encodeMetricBatch(batch: MetricBatch): Buffer {
  const startEpoch = currentEpoch()
  table.reset()
  const tenantRef = table.local(stringId(batch.tenant))
  const s = batch.series.length
  const entries = new Uint32Array(s)
  const seriesIds: Uint32Array[] = new Array<Uint32Array>(s)
  let r = 0
  for (let i = 0; i < s; i++) {
    const ids = labelIds(batch.series[i]!)
    seriesIds[i] = ids
    entries[i] = ids.length
    r += ids.length
  }
  if (currentEpoch() !== startEpoch) return encodeMetricBatch(batch) // the id table wrapped meanwhile
  const refs = new Uint32Array(r)
  let at = 0
  for (let i = 0; i < s; i++) {
    const ids = seriesIds[i]!
    for (let j = 0; j < ids.length; j++) refs[at++] = table.local(ids[j]!)
  }
  const order = table.order
  const c = order.length
  const lengths = new Uint32Array(c)
  let stringBytes = 0
  for (let i = 0; i < c; i++) {
    const len = stringByteLength(order[i]!)
    lengths[i] = len
    stringBytes += len
  }
  const n = batch.length
  let size = HEADER_BYTES + n * 20 + s * 4 + r * 4 + c * 4 + s + stringBytes
  for (const p of batch.keptPoints) size += 17 + p.payload.length
  const buf = Buffer.allocUnsafe(size)
  buf.writeUInt8(METRIC_BATCH_FORMAT_VERSION, 0)
  buf.writeUInt8(KIND_METRICS, 1)
  buf.writeUInt16LE(0, 2)
  buf.writeUInt32LE(n, 4)
  buf.writeUInt32LE(s, 8)
  buf.writeUInt32LE(batch.keptPoints.length, 12)
  buf.writeUInt32LE(r, 16)
  buf.writeUInt32LE(c, 20)
  buf.writeUInt32LE(tenantRef, 24)
  buf.writeUInt32LE(0, 28)
  let pos = HEADER_BYTES
  pos = copyColumn(buf, pos, batch.ts)
  pos = copyColumn(buf, pos, batch.value)
  pos = copyColumn(buf, pos, batch.seriesIdx)
  pos = copyColumn(buf, pos, entries)
  pos = copyColumn(buf, pos, refs)
  pos = copyColumn(buf, pos, lengths)
  pos = copyColumn(buf, pos, batch.seriesKinds.subarray(0, s))
  for (let i = 0; i < c; i++) {
    buf.write(stringOfId(order[i]!), pos, lengths[i]!, 'utf8')
    pos += lengths[i]!
  }
  for (const p of batch.keptPoints) {
    buf.writeUInt8(KEPT_KINDS.indexOf(p.kind), pos)
    buf.writeUInt32LE(p.series, pos + 1)
    buf.writeDoubleLE(p.timestampMs, pos + 5)
    buf.writeUInt32LE(p.payload.length, pos + 13)
    buf.set(p.payload, pos + 17)
    pos += 17 + p.payload.length
  }
  return buf
}

function copyColumn(buf: Buffer, pos: number, column: Float64Array | Uint32Array | Uint8Array): number {
  buf.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), pos)
  return pos + column.byteLength
}

/** Decodes a record value written by `encodeMetricBatch`. Never throws on bad input. */
export function decodeMetricBatch(bytes: Uint8Array): DecodeBatchResult<MetricBatch> {
  try {
    return decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (err) {
    return { ok: false, reason: `malformed metric batch: ${(err as Error).message}` }
  }
}

function decode(buf: Buffer): DecodeBatchResult<MetricBatch> {
  if (buf.length < HEADER_BYTES) return { ok: false, reason: 'metric batch shorter than its header' }
  const version = buf.readUInt8(0)
  if (version !== METRIC_BATCH_FORMAT_VERSION)
    return { ok: false, reason: `unsupported metric batch version ${version}` }
  if (buf.readUInt8(1) !== KIND_METRICS) return { ok: false, reason: 'not a metric batch' }
  const n = buf.readUInt32LE(4)
  const s = buf.readUInt32LE(8)
  const k = buf.readUInt32LE(12)
  const r = buf.readUInt32LE(16)
  const c = buf.readUInt32LE(20)
  const tenantRef = buf.readUInt32LE(24)
  if (HEADER_BYTES + n * 20 + s * 5 + r * 4 + c * 4 > buf.length)
    return { ok: false, reason: `metric batch too short for ${n} samples, ${s} series` }
  let pos = HEADER_BYTES
  const ts = column(buf, pos, n, 8, Float64Array)
  pos += n * 8
  const value = column(buf, pos, n, 8, Float64Array)
  pos += n * 8
  const seriesIdx = column(buf, pos, n, 4, Uint32Array)
  pos += n * 4
  const entries = column(buf, pos, s, 4, Uint32Array)
  pos += s * 4
  const refs = column(buf, pos, r, 4, Uint32Array)
  pos += r * 4
  const lengths = column(buf, pos, c, 4, Uint32Array)
  pos += c * 4
  const seriesKinds = Uint8Array.prototype.slice.call(buf, pos, pos + s)
  pos += s
  const strings: string[] = new Array<string>(c)
  for (let i = 0; i < c; i++) {
    const len = lengths[i]!
    if (pos + len > buf.length) return { ok: false, reason: 'string runs past the end of the batch' }
    strings[i] = buf.toString('utf8', pos, pos + len)
    pos += len
  }
  const str = (ref: number): string => {
    const v = strings[ref]
    if (v === undefined) throw new Error(`string reference ${ref} out of range`)
    return v
  }
  const tenant = str(tenantRef)
  const series: Labels[] = new Array<Labels>(s)
  for (let i = 0; i < r; i++)
    if (refs[i]! >= c) return { ok: false, reason: `string reference ${refs[i]} out of range` }
  const ids = batchStringIds(strings)
  let at = 0
  for (let i = 0; i < s; i++) {
    const count = entries[i]!
    if (at + count > r) return { ok: false, reason: `series ${i} has more labels than the batch` }
    series[i] = cachedLabels(ids, refs, at, count, strings)
    at += count
  }
  if (at !== r) return { ok: false, reason: `${r - at} label references belong to no series` }
  const keptPoints: KeptPoint[] = []
  for (let i = 0; i < k; i++) {
    if (pos + 17 > buf.length) return { ok: false, reason: 'malformed kept point' }
    const kind = KEPT_KINDS[buf.readUInt8(pos)]
    const len = buf.readUInt32LE(pos + 13)
    if (kind === undefined || pos + 17 + len > buf.length)
      return { ok: false, reason: 'malformed kept point' }
    keptPoints.push({
      kind,
      series: buf.readUInt32LE(pos + 1),
      timestampMs: buf.readDoubleLE(pos + 5),
      payload: Uint8Array.prototype.slice.call(buf, pos + 17, pos + 17 + len),
    })
    pos += 17 + len
  }
  if (pos !== buf.length)
    return { ok: false, reason: `${buf.length - pos} trailing bytes after the metric batch` }
  for (let i = 0; i < n; i++)
    if (seriesIdx[i]! >= s)
      return { ok: false, reason: `sample ${i} refers to series ${seriesIdx[i]} of ${s}` }
  for (const kindCode of seriesKinds) {
    if (kindCode >= Object.keys(SERIES_KIND_CODE).length)
      return { ok: false, reason: `unknown series kind ${kindCode}` }
  }
  return {
    ok: true,
    batch: { kind: 'metrics', tenant, series, seriesKinds, length: n, seriesIdx, ts, value, keptPoints },
  }
}

/** A typed-array view on the bytes when aligned, else an aligned copy. */
function column<T extends Float64Array | Uint32Array>(
  buf: Buffer,
  pos: number,
  n: number,
  width: number,
  Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T },
): T {
  const offset = buf.byteOffset + pos
  if (offset % width === 0) return new Type(buf.buffer, offset, n)
  const copy = new Type(n)
  new Uint8Array(copy.buffer).set(buf.subarray(pos, pos + n * width))
  return copy
}
