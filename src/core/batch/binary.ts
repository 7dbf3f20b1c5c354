import type { DecodeBatchResult } from './metric-batch-codec.js'

/**
 * Shared pieces of Vigil's own batch storage format (log, span and event batch codecs; the metric
 * codec predates them and keeps its fixed-width layout). Hand-written because the format is the
 * product's own: every batch record starts with the same two bytes, then a string table, then
 * varint and fixed-width little-endian fields.
 *
 * ```
 * 0 u8 format version = 1     1 u8 kind (BATCH_KIND_CODE: 1 metrics, 2 logs, 3 spans, 4 events, 5 results, 6 anomalies)
 * 2 string table: uvarint count, then per string uvarint UTF-8 byte length + bytes
 *   the rest is per kind; a string field is a uvarint index into the table
 * ```
 * A uvarint holds a non-negative integer up to 2^53 - 1 in 7-bit groups, low group first.
 * Strings are UTF-8, so a lone UTF-16 surrogate is stored as U+FFFD.
 */
export const BATCH_FORMAT_VERSION = 1
export const BATCH_KIND_CODE = { metrics: 1, logs: 2, spans: 3, events: 4, results: 5, anomalies: 6 } as const
export type BatchKind = keyof typeof BATCH_KIND_CODE

/**
 * The bytes of one record, written front to back into a buffer that doubles when full, so a batch
 * costs a few reallocations whatever its row count, and nothing per row.
 */
export class BinaryWriter {
  #buf: Buffer
  pos = 0

  constructor(initialBytes = 256) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialBytes))
  }

  u8(v: number): void {
    this.#reserve(1)
    this.#buf[this.pos++] = v
  }

  /** A non-negative safe integer; anything else is a programming error. */
  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uvarint out of range: ${v}`)
    this.#reserve(8)
    const buf = this.#buf
    let n = v
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80
      n = Math.floor(n / 0x80)
    }
    buf[this.pos++] = n
  }

  /** Any double, bit for bit (NaN payloads included). */
  f64(v: number): void {
    this.#reserve(8)
    this.#buf.writeDoubleLE(v, this.pos)
    this.pos += 8
  }

  /** UTF-8 bytes of `s`, whose byte length the caller already wrote (see StringTable). */
  utf8(s: string, byteLength: number): void {
    this.#reserve(byteLength)
    this.pos += this.#buf.write(s, this.pos, byteLength, 'utf8')
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length)
    this.#buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** What was written so far, as a view (valid until the next write). */
  view(): Buffer {
    return this.#buf.subarray(0, this.pos)
  }

  /** The written bytes; no copy when the buffer was sized exactly. */
  finish(): Buffer {
    return this.pos === this.#buf.length ? this.#buf : Buffer.from(this.#buf.subarray(0, this.pos))
  }

  #reserve(n: number): void {
    if (this.pos + n <= this.#buf.length) return
    let cap = this.#buf.length * 2
    while (cap < this.pos + n) cap *= 2
    const grown = Buffer.allocUnsafe(cap)
    this.#buf.copy(grown, 0, 0, this.pos)
    this.#buf = grown
  }
}

/** Interns the strings of a batch while its rows are written; then writes the table. */
export class StringTable {
  readonly #index = new Map<string, number>()
  readonly #strings: string[] = []
  readonly #lengths: number[] = []
  #bytes = 0

  ref(s: string): number {
    let i = this.#index.get(s)
    if (i === undefined) {
      i = this.#strings.length
      this.#index.set(s, i)
      this.#strings.push(s)
      const n = Buffer.byteLength(s, 'utf8')
      this.#lengths.push(n)
      this.#bytes += n
    }
    return i
  }

  /** An upper bound of the table's encoded size. */
  get encodedBytes(): number {
    return 8 + this.#strings.length * 8 + this.#bytes
  }

  writeTo(w: BinaryWriter): void {
    w.uvarint(this.#strings.length)
    for (let i = 0; i < this.#strings.length; i++) {
      const n = this.#lengths[i]!
      w.uvarint(n)
      w.utf8(this.#strings[i]!, n)
    }
  }
}

/**
 * Writes a record: header, the string table filled while `body` was written, then `body`. The
 * body is copied once into an output sized for it.
 */
export function finishRecord(kind: BatchKind, table: StringTable, body: BinaryWriter): Buffer {
  const out = new BinaryWriter(2 + table.encodedBytes + body.pos)
  out.u8(BATCH_FORMAT_VERSION)
  out.u8(BATCH_KIND_CODE[kind])
  table.writeTo(out)
  out.raw(body.view())
  return out.finish()
}

/** Thrown inside a decode when the bytes don't fit the format; each codec's decode catches it. */
export class BatchFormatError extends Error {
  override readonly name = 'BatchFormatError'
}

/**
 * Reads a record written with BinaryWriter and StringTable. Every read checks its bounds and
 * throws `BatchFormatError`, which the codec's decode turns into `{ ok: false, reason }`.
 */
export class BinaryReader {
  readonly #buf: Buffer
  pos = 0
  #strings: string[] = []

  constructor(bytes: Uint8Array) {
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get remaining(): number {
    return this.#buf.length - this.pos
  }

  /** Checks the two header bytes, then reads the string table. */
  header(kind: BatchKind): void {
    if (this.#buf.length < 2) throw new BatchFormatError('shorter than its header')
    const version = this.u8()
    if (version !== BATCH_FORMAT_VERSION) throw new BatchFormatError(`unsupported version ${version}`)
    const code = this.u8()
    if (code !== BATCH_KIND_CODE[kind]) throw new BatchFormatError(`kind ${code} is not ${kind}`)
    const n = this.count()
    const strings = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const len = this.uvarint()
      if (len > this.remaining) throw new BatchFormatError(`string ${i} runs past the end`)
      strings[i] = this.#buf.toString('utf8', this.pos, this.pos + len)
      this.pos += len
    }
    this.#strings = strings
  }

  u8(): number {
    if (this.pos >= this.#buf.length) throw new BatchFormatError(`truncated at byte ${this.pos}`)
    return this.#buf[this.pos++]!
  }

  uvarint(): number {
    let v = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.u8()
      v += (b & 0x7f) * scale
      if (b < 0x80) {
        if (!Number.isSafeInteger(v)) break
        return v
      }
      scale *= 0x80
    }
    throw new BatchFormatError(`overlong varint at byte ${this.pos}`)
  }

  /** A count of items that each take at least one byte, so garbage can't ask for a huge array. */
  count(): number {
    const n = this.uvarint()
    if (n > this.remaining) throw new BatchFormatError(`count ${n} exceeds the bytes left`)
    return n
  }

  /** A uvarint below `limit` (an index or enum code). */
  below(limit: number, what: string): number {
    const v = this.uvarint()
    if (v >= limit) throw new BatchFormatError(`${what} ${v} out of range (${limit})`)
    return v
  }

  f64(): number {
    if (this.remaining < 8) throw new BatchFormatError(`truncated at byte ${this.pos}`)
    const v = this.#buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  string(): string {
    const ref = this.uvarint()
    const s = this.#strings[ref]
    if (s === undefined) throw new BatchFormatError(`string reference ${ref} out of range`)
    return s
  }

  /** A flat attribute list: uvarint length, then that many string references. */
  attributes(): string[] {
    const n = this.count()
    const out = new Array<string>(n)
    for (let i = 0; i < n; i++) out[i] = this.string()
    return out
  }

  /** Fails unless every byte was read. */
  end(): void {
    if (this.pos !== this.#buf.length) throw new BatchFormatError(`${this.remaining} trailing bytes`)
  }
}

/** Writes a flat attribute list (see `BinaryReader#attributes`). */
export function writeAttributes(w: BinaryWriter, table: StringTable, attributes: readonly string[]): void {
  w.uvarint(attributes.length)
  for (let i = 0; i < attributes.length; i++) w.uvarint(table.ref(attributes[i]!))
}

/** Runs a decode, turning any failure into a reason naming the batch kind. Never throws. */
export function decodeRecord<B>(
  kind: BatchKind,
  bytes: Uint8Array,
  read: (r: BinaryReader) => B,
): DecodeBatchResult<B> {
  try {
    const r = new BinaryReader(bytes)
    r.header(kind)
    const batch = read(r)
    r.end()
    return { ok: true, batch }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: `malformed ${kind} batch: ${message}` }
  }
}
