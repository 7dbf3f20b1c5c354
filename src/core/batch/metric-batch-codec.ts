import { SERIES_KIND_CODE } from './metric-batch.js'
import type { KeptPoint, MetricBatch } from './metric-batch.js'
import type { Labels } from './labels.js'
import { LocalStringTable, currentEpoch, labelIds, stringId, stringOfId } from './string-ids.js'

/**
 * Binary encoding of a MetricBatch as one log record value (format version 1, little-endian).
 * Hand-written because it is the product's own storage format; the sample columns are copied as
 * raw typed-array bytes, at 8-byte-aligned offsets, so decoding is a view (no copy) whenever the
 * record buffer is aligned, and never an object per sample.
 *
 * ```
 * 0   u8  version = 1        1 u8 kind = 1 (metrics)      2 u16 reserved
 * 4   u32 samples (n)        8 u32 series (s)             12 u32 kept points (k)
 * 16  f64[n] ts | f64[n] value | u32[n] seriesIdx | u8[s] seriesKinds
 *     string table: u32 count, then per string u32 byteLength + UTF-8 bytes
 *     u32 tenant (string index)
 *     per series: u16 entries (2 × labels), then u32 string index per entry
 *     per kept point: u8 kind, u32 series, f64 timestampMs, u32 length, payload
 * ```
 * The log's record batch carries the CRC; this format checks its own framing on decode and
 * reports a problem as a value.
 */
export const METRIC_BATCH_FORMAT_VERSION = 1
const KIND_METRICS = 1
const HEADER_BYTES = 16
const KEPT_KINDS = ['exponential_histogram'] as const

export type DecodeBatchResult<B> =
  { readonly ok: true; readonly batch: B } | { readonly ok: false; readonly reason: string }

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('Vigil stores typed arrays little-endian and needs a little-endian platform.')
}

const table = new LocalStringTable()

export function encodeMetricBatch(batch: MetricBatch): Buffer {
  // Strings are numbered per batch through process-wide ids (string-ids.ts): a typed-array lookup
  // per label instead of a map lookup, the hot spot of ingest's encode step.
  const startEpoch = currentEpoch()
  table.reset()
  const tenantRef = table.local(stringId(batch.tenant))
  const s = batch.series.length
  let refCount = 0
  const seriesIds: Uint32Array[] = new Array<Uint32Array>(s)
  for (let i = 0; i < s; i++) {
    const ids = labelIds(batch.series[i]!)
    seriesIds[i] = ids
    refCount += ids.length
  }
  if (currentEpoch() !== startEpoch) return encodeMetricBatch(batch) // the id table wrapped meanwhile
  const refs = new Uint32Array(refCount)
  let r = 0
  for (let i = 0; i < s; i++) {
    const ids = seriesIds[i]!
    for (let j = 0; j < ids.length; j++) refs[r++] = table.local(ids[j]!)
  }
  let stringBytes = 4
  const order = table.order
  const stringLengths = new Uint32Array(order.length)
  for (let i = 0; i < order.length; i++) {
    const len = Buffer.byteLength(stringOfId(order[i]!), 'utf8')
    stringLengths[i] = len
    stringBytes += 4 + len
  }
  const n = batch.length
  let size = HEADER_BYTES + n * 20 + s + stringBytes + 4 + s * 2 + refCount * 4
  for (const p of batch.keptPoints) size += 17 + p.payload.length
  const buf = Buffer.allocUnsafe(size)
  buf.writeUInt8(METRIC_BATCH_FORMAT_VERSION, 0)
  buf.writeUInt8(KIND_METRICS, 1)
  buf.writeUInt16LE(0, 2)
  buf.writeUInt32LE(n, 4)
  buf.writeUInt32LE(s, 8)
  buf.writeUInt32LE(batch.keptPoints.length, 12)
  let pos = HEADER_BYTES
  pos = copyColumn(buf, pos, batch.ts)
  pos = copyColumn(buf, pos, batch.value)
  pos = copyColumn(buf, pos, batch.seriesIdx)
  pos = copyColumn(buf, pos, batch.seriesKinds.subarray(0, s))
  buf.writeUInt32LE(order.length, pos)
  pos += 4
  for (let i = 0; i < order.length; i++) {
    const len = stringLengths[i]!
    buf.writeUInt32LE(len, pos)
    buf.write(stringOfId(order[i]!), pos + 4, len, 'utf8')
    pos += 4 + len
  }
  buf.writeUInt32LE(tenantRef, pos)
  pos += 4
  r = 0
  for (let i = 0; i < s; i++) {
    const count = seriesIds[i]!.length
    buf.writeUInt16LE(count, pos)
    pos += 2
    for (let j = 0; j < count; j++) {
      buf.writeUInt32LE(refs[r++]!, pos)
      pos += 4
    }
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
  if (HEADER_BYTES + n * 20 + s > buf.length)
    return { ok: false, reason: `metric batch too short for ${n} samples` }
  let pos = HEADER_BYTES
  const ts = column(buf, pos, n, 8, Float64Array)
  pos += n * 8
  const value = column(buf, pos, n, 8, Float64Array)
  pos += n * 8
  const seriesIdx = column(buf, pos, n, 4, Uint32Array)
  pos += n * 4
  const seriesKinds = Uint8Array.prototype.slice.call(buf, pos, pos + s)
  pos += s
  const stringCount = buf.readUInt32LE(pos)
  pos += 4
  if (stringCount > buf.length) return { ok: false, reason: 'string table larger than the batch' }
  const strings: string[] = new Array<string>(stringCount)
  for (let i = 0; i < stringCount; i++) {
    const len = buf.readUInt32LE(pos)
    if (pos + 4 + len > buf.length) return { ok: false, reason: 'string runs past the end of the batch' }
    strings[i] = buf.toString('utf8', pos + 4, pos + 4 + len)
    pos += 4 + len
  }
  const str = (ref: number): string => {
    const v = strings[ref]
    if (v === undefined) throw new Error(`string reference ${ref} out of range`)
    return v
  }
  const tenant = str(buf.readUInt32LE(pos))
  pos += 4
  const series: Labels[] = new Array<Labels>(s)
  for (let i = 0; i < s; i++) {
    const entries = buf.readUInt16LE(pos)
    pos += 2
    const labels = new Array<string>(entries)
    for (let j = 0; j < entries; j++) labels[j] = str(buf.readUInt32LE(pos + j * 4))
    pos += entries * 4
    series[i] = labels
  }
  const keptPoints: KeptPoint[] = []
  for (let i = 0; i < k; i++) {
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
