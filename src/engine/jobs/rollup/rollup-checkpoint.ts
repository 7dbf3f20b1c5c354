import { crc32 } from 'node:zlib'

/**
 * The rollup operator's checkpoint format: its own columnar state, full or a delta, written with
 * bulk typed-array copies (the generic windows codec ran at ~10 MB/s; this one at hundreds).
 *
 * Layout (little-endian; every section starts at a multiple of 8):
 *
 * | bytes                 | field                                                               |
 * | --------------------- | ------------------------------------------------------------------- |
 * | u32                   | magic `0x4b435256` ("VRCK")                                          |
 * | u16                   | format version (ROLLUP_CHECKPOINT_VERSION)                          |
 * | u8                    | 1 full, 0 delta                                                     |
 * | u8                    | k, the number of window sizes                                       |
 * | f64                   | watermark                                                           |
 * | u32 × 6               | series (upserts), deleted series, tenants, windows, samples, label bytes |
 * | u32                   | tenant bytes                                                        |
 * | f64 × k               | window sizes                                                        |
 * | u32 × (series + deleted) | tenant index per series (upserts first, then deletions)          |
 * | u32 × (series + deleted) | UTF-16 length of each series' labelsKey                          |
 * | u32 × series          | windows per series (all sizes)                                      |
 * | u32 × series          | samples per series written here (all, or the appended ones)        |
 * | u8 × series           | mode per series (v2): 0 whole, 1 append (see below)                 |
 * | f64 × 8 × windows     | window rows: start, count, nanCount, sum, min, max, lastTs, last    |
 * | i32 × windows         | revision                                                            |
 * | u8 × windows          | size index                                                          |
 * | u8 × windows          | flags (1 closed, 2 dirty)                                           |
 * | f64 × 3 × samples     | samples in arrival order: ts, value, mask of the sizes holding it   |
 * | u32 × tenants         | UTF-16 length of each tenant                                        |
 * | bytes                 | tenants, UTF-8, concatenated                                        |
 * | bytes                 | labelsKeys, UTF-8, concatenated                                     |
 * | u32                   | CRC-32 of every byte before it                                      |
 *
 * A series' windows and samples follow series order. A full checkpoint holds every live series
 * whole; a delta holds the series changed since the previous checkpoint and the series forgotten
 * since then (deletions: no windows, no samples). A changed series' windows are always written
 * whole (a few rows); its samples are written whole (mode 0: they replace the series' samples)
 * unless the only change to them is samples appended since the previous checkpoint (mode 1: only
 * those are written and restore appends them). Samples are most of the state (a 1 m window at one
 * sample per second holds 60 per series), so a delta costs about what was appended, not the whole
 * state of every series touched. Restoring a chain applies the full one, then each delta's
 * deletions and upserts in order. Version 1 (no mode column: every series whole) is still read.
 */
export const ROLLUP_CHECKPOINT_VERSION = 2
/** Per series mode of a checkpoint's samples. */
export const WHOLE = 0
export const APPEND = 1
export const ROLLUP_CHECKPOINT_MAGIC = 0x4b435256
/** Doubles per window row (TumblingTable's STRIDE) and per sample (SeriesTable's SAMPLE). */
export const ROW = 8
export const SAMPLE = 3
const HEADER = 48

export interface RollupCheckpoint {
  readonly full: boolean
  readonly watermarkMs: number
  readonly sizesMs: readonly number[]
  readonly tenants: readonly string[]
  /** Per series (upserts, then `deleted` deletions): index into `tenants`. */
  readonly seriesTenant: Uint32Array
  readonly seriesLabels: readonly string[]
  readonly upserts: number
  readonly seriesWindows: Uint32Array
  readonly seriesSamples: Uint32Array
  /** Per upsert: WHOLE (samples replace the series') or APPEND (samples follow the series'). */
  readonly seriesMode: Uint8Array
  readonly rows: Float64Array
  readonly revision: Int32Array
  readonly sizeIndex: Uint8Array
  readonly flags: Uint8Array
  readonly samples: Float64Array
}

/** Whether bytes start as a rollup checkpoint (any version), as opposed to another snapshot format. */
export function isRollupCheckpoint(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, 0) === ROLLUP_CHECKPOINT_MAGIC
}

/**
 * Writes a checkpoint. The caller fills the columns through `fill` once the buffer is laid out
 * from the counts, so nothing is copied twice.
 */
export interface CheckpointCounts {
  readonly full: boolean
  readonly watermarkMs: number
  readonly sizesMs: readonly number[]
  readonly tenants: readonly string[]
  readonly upserts: number
  readonly deleted: number
  readonly windows: number
  readonly samples: number
  /** Every labelsKey, upserts then deletions, concatenated. */
  readonly labels: string
}

/** The typed columns of a checkpoint being written: the decoded form's, with label lengths for labels. */
export type CheckpointColumns = Pick<
  RollupCheckpoint,
  | 'seriesTenant'
  | 'seriesWindows'
  | 'seriesSamples'
  | 'seriesMode'
  | 'rows'
  | 'revision'
  | 'sizeIndex'
  | 'flags'
  | 'samples'
> & {
  /** Per series (upserts, then deletions): UTF-16 length of its labelsKey. */
  readonly seriesLabelLength: Uint32Array
}

const pad8 = (n: number): number => (n + 7) & ~7

interface Layout {
  readonly sizes: number
  readonly seriesTenant: number
  readonly seriesLabelLength: number
  readonly seriesWindows: number
  readonly seriesSamples: number
  readonly seriesMode: number
  readonly rows: number
  readonly revision: number
  readonly sizeIndex: number
  readonly flags: number
  readonly samples: number
  readonly tenantLength: number
  readonly tenantBytes: number
  readonly labelBytes: number
  readonly crc: number
}

function layout(
  version: number,
  k: number,
  named: number,
  upserts: number,
  windows: number,
  samples: number,
  tenants: number,
  tenantBytes: number,
  labelBytes: number,
): Layout {
  let at = HEADER
  const take = (bytes: number): number => {
    const here = at
    at = pad8(at + bytes)
    return here
  }
  return {
    sizes: take(8 * k),
    seriesTenant: take(4 * named),
    seriesLabelLength: take(4 * named),
    seriesWindows: take(4 * upserts),
    seriesSamples: take(4 * upserts),
    seriesMode: version >= 2 ? take(upserts) : -1,
    rows: take(8 * ROW * windows),
    revision: take(4 * windows),
    sizeIndex: take(windows),
    flags: take(windows),
    samples: take(8 * SAMPLE * samples),
    tenantLength: take(4 * tenants),
    tenantBytes: take(tenantBytes),
    labelBytes: take(labelBytes),
    crc: at,
  }
}

export function encodeRollupCheckpoint(c: CheckpointCounts, fill: (cols: CheckpointColumns) => void): Buffer {
  const named = c.upserts + c.deleted
  const tenantText = c.tenants.join('')
  const tenantBytes = Buffer.byteLength(tenantText, 'utf8')
  const labelBytes = Buffer.byteLength(c.labels, 'utf8')
  const k = c.sizesMs.length
  const l = layout(
    ROLLUP_CHECKPOINT_VERSION,
    k,
    named,
    c.upserts,
    c.windows,
    c.samples,
    c.tenants.length,
    tenantBytes,
    labelBytes,
  )
  const ab = new ArrayBuffer(l.crc + 4)
  const buf = Buffer.from(ab)
  buf.writeUInt32LE(ROLLUP_CHECKPOINT_MAGIC, 0)
  buf.writeUInt16LE(ROLLUP_CHECKPOINT_VERSION, 4)
  buf.writeUInt8(c.full ? 1 : 0, 6)
  buf.writeUInt8(k, 7)
  buf.writeDoubleLE(c.watermarkMs, 8)
  buf.writeUInt32LE(c.upserts, 16)
  buf.writeUInt32LE(c.deleted, 20)
  buf.writeUInt32LE(c.tenants.length, 24)
  buf.writeUInt32LE(c.windows, 28)
  buf.writeUInt32LE(c.samples, 32)
  buf.writeUInt32LE(labelBytes, 36)
  buf.writeUInt32LE(tenantBytes, 40)
  new Float64Array(ab, l.sizes, k).set(c.sizesMs)
  const tenantLength = new Uint32Array(ab, l.tenantLength, c.tenants.length)
  c.tenants.forEach((t, i) => (tenantLength[i] = t.length))
  buf.write(tenantText, l.tenantBytes, tenantBytes, 'utf8')
  buf.write(c.labels, l.labelBytes, labelBytes, 'utf8')
  fill({
    seriesTenant: new Uint32Array(ab, l.seriesTenant, named),
    seriesLabelLength: new Uint32Array(ab, l.seriesLabelLength, named),
    seriesWindows: new Uint32Array(ab, l.seriesWindows, c.upserts),
    seriesSamples: new Uint32Array(ab, l.seriesSamples, c.upserts),
    seriesMode: new Uint8Array(ab, l.seriesMode, c.upserts),
    rows: new Float64Array(ab, l.rows, ROW * c.windows),
    revision: new Int32Array(ab, l.revision, c.windows),
    sizeIndex: new Uint8Array(ab, l.sizeIndex, c.windows),
    flags: new Uint8Array(ab, l.flags, c.windows),
    samples: new Float64Array(ab, l.samples, SAMPLE * c.samples),
  })
  buf.writeUInt32LE(crc32(buf.subarray(0, l.crc)), l.crc)
  return buf
}

export type DecodedCheckpoint =
  | { readonly ok: true; readonly checkpoint: RollupCheckpoint }
  | { readonly ok: false; readonly reason: string }

/** Reads a checkpoint, refusing (with the reason) a foreign, damaged, truncated or newer one. */
export function decodeRollupCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  if (bytes.length < HEADER + 4) return { ok: false, reason: 'rollup checkpoint shorter than its header' }
  if (!isRollupCheckpoint(bytes)) return { ok: false, reason: 'not a rollup checkpoint (bad magic)' }
  // Typed views need 8-byte alignment: one copy when the caller's bytes are not aligned.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes)
  const ab = aligned.buffer
  const base = aligned.byteOffset
  const buf = Buffer.from(ab, base, aligned.byteLength)
  const version = buf.readUInt16LE(4)
  if (version < 1 || version > ROLLUP_CHECKPOINT_VERSION) {
    return {
      ok: false,
      reason: `unsupported rollup checkpoint version ${version} (this build reads 1 to ${ROLLUP_CHECKPOINT_VERSION})`,
    }
  }
  const k = buf.readUInt8(7)
  const upserts = buf.readUInt32LE(16)
  const deleted = buf.readUInt32LE(20)
  const tenantCount = buf.readUInt32LE(24)
  const windows = buf.readUInt32LE(28)
  const sampleCount = buf.readUInt32LE(32)
  const labelBytes = buf.readUInt32LE(36)
  const tenantBytes = buf.readUInt32LE(40)
  const named = upserts + deleted
  const l = layout(version, k, named, upserts, windows, sampleCount, tenantCount, tenantBytes, labelBytes)
  if (l.crc + 4 !== buf.length) {
    return { ok: false, reason: `rollup checkpoint is ${buf.length} bytes, its header says ${l.crc + 4}` }
  }
  const stored = buf.readUInt32LE(l.crc)
  const actual = crc32(buf.subarray(0, l.crc))
  if (stored !== actual) {
    return { ok: false, reason: `rollup checkpoint checksum mismatch (stored ${stored}, computed ${actual})` }
  }
  const seriesTenant = new Uint32Array(ab, base + l.seriesTenant, named)
  const seriesLabelLength = new Uint32Array(ab, base + l.seriesLabelLength, named)
  const tenantLength = new Uint32Array(ab, base + l.tenantLength, tenantCount)
  const tenantText = buf.toString('utf8', l.tenantBytes, l.tenantBytes + tenantBytes)
  const tenants = split(tenantText, tenantLength)
  const labelText = buf.toString('utf8', l.labelBytes, l.labelBytes + labelBytes)
  const seriesLabels = split(labelText, seriesLabelLength)
  if (tenants === undefined || seriesLabels === undefined) {
    return { ok: false, reason: 'rollup checkpoint strings do not match their lengths' }
  }
  for (let i = 0; i < named; i++) {
    if (seriesTenant[i]! >= tenantCount) return { ok: false, reason: 'rollup checkpoint tenant out of range' }
  }
  const seriesWindows = new Uint32Array(ab, base + l.seriesWindows, upserts)
  const seriesSamples = new Uint32Array(ab, base + l.seriesSamples, upserts)
  let w = 0
  let s = 0
  for (let i = 0; i < upserts; i++) {
    w += seriesWindows[i]!
    s += seriesSamples[i]!
  }
  if (w !== windows || s !== sampleCount) {
    return { ok: false, reason: 'rollup checkpoint per-series counts do not add up' }
  }
  // Version 1 wrote every series whole.
  const seriesMode =
    l.seriesMode < 0 ? new Uint8Array(upserts) : new Uint8Array(ab, base + l.seriesMode, upserts)
  for (let i = 0; i < upserts; i++) {
    if (seriesMode[i]! > APPEND) return { ok: false, reason: 'rollup checkpoint series mode out of range' }
  }
  const sizeIndex = new Uint8Array(ab, base + l.sizeIndex, windows)
  for (let i = 0; i < windows; i++) {
    if (sizeIndex[i]! >= k) return { ok: false, reason: 'rollup checkpoint window size index out of range' }
  }
  return {
    ok: true,
    checkpoint: {
      full: buf.readUInt8(6) === 1,
      watermarkMs: buf.readDoubleLE(8),
      sizesMs: [...new Float64Array(ab, base + l.sizes, k)],
      tenants,
      seriesTenant,
      seriesLabels,
      upserts,
      seriesWindows,
      seriesSamples,
      seriesMode,
      rows: new Float64Array(ab, base + l.rows, ROW * windows),
      revision: new Int32Array(ab, base + l.revision, windows),
      sizeIndex,
      flags: new Uint8Array(ab, base + l.flags, windows),
      samples: new Float64Array(ab, base + l.samples, SAMPLE * sampleCount),
    },
  }
}

function split(text: string, lengths: Uint32Array): string[] | undefined {
  const out: string[] = new Array<string>(lengths.length)
  let at = 0
  for (let i = 0; i < lengths.length; i++) {
    const end = at + lengths[i]!
    out[i] = text.slice(at, end)
    at = end
  }
  return at === text.length ? out : undefined
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
}
