/**
 * A fast protobuf wire-format writer for hot paths (the load generator encodes hundreds of
 * thousands of samples per second with it). The mirror of `ProtoReader`: written by hand because
 * generic libraries build an object per message.
 *
 * One growable `Buffer` (doubled when full) holds the output; nothing is allocated per field.
 * Length-delimited submessages use reserve-and-backpatch: `fork(field)` writes the tag and reserves
 * one byte for the length, `join()` writes the real length and, only when it needs more than one
 * byte, moves the body right with `copyWithin`. Forks nest (a small reused stack).
 *
 * Field writers take the field number and write tag + value; the `raw*` methods write a bare value
 * (for packed repeated fields and pre-encoded fragments). Not for untrusted numbers: integers
 * must be non-negative safe integers unless the method says otherwise.
 *
 * ```ts
 * const w = new ProtoEncoder()
 * w.fork(1) // TimeSeries
 * w.string(1, 'job')
 * w.join()
 * const bytes = w.finish() // a copy; w.reset() to reuse the buffer
 * ```
 */
const TWO_32 = 0x1_0000_0000

export class ProtoEncoder {
  #buf: Buffer
  #pos = 0
  /** Start offsets (of the reserved length byte) of the open forks. */
  #stack: number[] = []
  #depth = 0

  constructor(initialBytes = 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialBytes))
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos
  }

  /** Forgets the content (keeps the buffer), e.g. before the next request. */
  reset(): void {
    this.#pos = 0
    this.#depth = 0
  }

  /** A copy of the bytes written; the encoder may be reused after `reset()`. */
  finish(): Buffer {
    if (this.#depth !== 0) throw new Error(`ProtoEncoder.finish with ${this.#depth} open fork(s)`)
    return Buffer.from(this.#buf.subarray(0, this.#pos))
  }

  /** A view of the bytes written, valid until the next write or `reset()`. */
  view(): Buffer {
    return this.#buf.subarray(0, this.#pos)
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra
    if (need <= this.#buf.length) return
    let size = this.#buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.#buf.copy(next, 0, 0, this.#pos)
    this.#buf = next
  }

  // ---- bare values -------------------------------------------------------------------------

  /** A varint of a non-negative integer up to 2^53. */
  rawVarint(v: number): void {
    this.#ensure(10)
    const buf = this.#buf
    let pos = this.#pos
    if (v < TWO_32) {
      let n = v >>> 0
      while (n > 0x7f) {
        buf[pos++] = (n & 0x7f) | 0x80
        n >>>= 7
      }
      buf[pos++] = n
    } else {
      pos = writeVarint64(buf, pos, v >>> 0, Math.floor(v / TWO_32) >>> 0)
    }
    this.#pos = pos
  }

  /** An int64 varint (negative numbers take 10 bytes, two's complement). */
  rawInt64(v: number): void {
    if (v >= 0) {
      this.rawVarint(v)
      return
    }
    this.#ensure(10)
    const abs = -v
    let lo = abs >>> 0
    let hi = Math.floor(abs / TWO_32) >>> 0
    // two's complement of (hi, lo)
    lo = (~lo + 1) >>> 0
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0
    this.#pos = writeVarint64(this.#buf, this.#pos, lo, hi)
  }

  rawDouble(v: number): void {
    this.#ensure(8)
    this.#buf.writeDoubleLE(v, this.#pos)
    this.#pos += 8
  }

  /** fixed64 from two unsigned 32-bit halves (exact for any 64-bit value). */
  rawFixed64Parts(hi: number, lo: number): void {
    this.#ensure(8)
    this.#buf.writeUInt32LE(lo >>> 0, this.#pos)
    this.#buf.writeUInt32LE(hi >>> 0, this.#pos + 4)
    this.#pos += 8
  }

  /** fixed64 of a non-negative integer up to 2^53. */
  rawFixed64(v: number): void {
    this.rawFixed64Parts(Math.floor(v / TWO_32), v >>> 0)
  }

  rawFixed32(v: number): void {
    this.#ensure(4)
    this.#buf.writeUInt32LE(v >>> 0, this.#pos)
    this.#pos += 4
  }

  /** Copies pre-encoded bytes (e.g. a cached label set) as they are. */
  rawBytes(b: Uint8Array): void {
    this.#ensure(b.length)
    this.#buf.set(b, this.#pos)
    this.#pos += b.length
  }

  tag(field: number, wire: number): void {
    this.rawVarint(((field << 3) | wire) >>> 0)
  }

  // ---- fields ------------------------------------------------------------------------------

  /** uint32/uint64/int32 (non-negative)/enum/bool as a varint field. */
  varint(field: number, v: number): void {
    this.tag(field, 0)
    this.rawVarint(v)
  }

  int64(field: number, v: number): void {
    this.tag(field, 0)
    this.rawInt64(v)
  }

  bool(field: number, v: boolean): void {
    this.tag(field, 0)
    this.rawVarint(v ? 1 : 0)
  }

  double(field: number, v: number): void {
    this.tag(field, 1)
    this.rawDouble(v)
  }

  fixed64(field: number, v: number): void {
    this.tag(field, 1)
    this.rawFixed64(v)
  }

  fixed32(field: number, v: number): void {
    this.tag(field, 5)
    this.rawFixed32(v)
  }

  /**
   * A fixed64 nanosecond timestamp from epoch milliseconds plus extra nanoseconds, computed
   * exactly (ms × 1e6 does not fit a double's 53 bits): `ms` a non-negative integer, `extraNs` an
   * integer in [0, 1e6).
   */
  fixed64TimeNs(field: number, ms: number, extraNs = 0): void {
    const msHi = Math.floor(ms / 65536)
    const msLo = ms - msHi * 65536
    const a = msHi * 1_000_000 // total = a·2^16 + b
    const b = msLo * 1_000_000 + extraNs
    let hi = Math.floor(a / 65536)
    let lo = (a - hi * 65536) * 65536 + b
    const carry = Math.floor(lo / TWO_32)
    hi += carry
    lo -= carry * TWO_32
    this.tag(field, 1)
    this.rawFixed64Parts(hi, lo)
  }

  /** A string field, UTF-8 encoded straight into the buffer. */
  string(field: number, s: string): void {
    this.tag(field, 2)
    // Fast path: a short string whose worst-case UTF-8 size fits one length byte.
    if (s.length * 3 < 128) {
      this.#ensure(1 + s.length * 3)
      const at = this.#pos
      const n = this.#buf.write(s, at + 1, 'utf8')
      this.#buf[at] = n
      this.#pos = at + 1 + n
      return
    }
    const n = Buffer.byteLength(s, 'utf8')
    this.rawVarint(n)
    this.#ensure(n)
    this.#buf.write(s, this.#pos, n, 'utf8')
    this.#pos += n
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2)
    this.rawVarint(b.length)
    this.rawBytes(b)
  }

  /** A packed `repeated double` field from `values[from, to)`. */
  packedDoubles(field: number, values: ArrayLike<number>, from = 0, to = values.length): void {
    if (to <= from) return
    this.tag(field, 2)
    this.rawVarint((to - from) * 8)
    this.#ensure((to - from) * 8)
    for (let i = from; i < to; i++) {
      this.#buf.writeDoubleLE(values[i]!, this.#pos)
      this.#pos += 8
    }
  }

  /** A packed `repeated fixed64` field of non-negative integers from `values[from, to)`. */
  packedFixed64(field: number, values: ArrayLike<number>, from = 0, to = values.length): void {
    if (to <= from) return
    this.tag(field, 2)
    this.rawVarint((to - from) * 8)
    for (let i = from; i < to; i++) this.rawFixed64(values[i]!)
  }

  // ---- submessages -------------------------------------------------------------------------

  /** Opens a length-delimited submessage `field`; close it with `join()`. */
  fork(field: number): void {
    this.tag(field, 2)
    this.#ensure(1)
    if (this.#depth === this.#stack.length) this.#stack.push(this.#pos)
    else this.#stack[this.#depth] = this.#pos
    this.#depth++
    this.#pos++ // one byte reserved for the length
  }

  /** Closes the innermost `fork`, writing its length. */
  join(): void {
    if (this.#depth === 0) throw new Error('ProtoEncoder.join without fork')
    const at = this.#stack[--this.#depth]!
    const bodyStart = at + 1
    const len = this.#pos - bodyStart
    if (len < 128) {
      this.#buf[at] = len
      return
    }
    const size = varintSize(len)
    this.#ensure(size - 1)
    this.#buf.copyWithin(at + size, bodyStart, this.#pos)
    this.#pos += size - 1
    let n = len
    let p = at
    while (n > 0x7f) {
      this.#buf[p++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    this.#buf[p] = n
  }
}

function varintSize(n: number): number {
  if (n < 0x80) return 1
  if (n < 0x4000) return 2
  if (n < 0x20_0000) return 3
  if (n < 0x1000_0000) return 4
  return 5
}

function writeVarint64(buf: Buffer, at: number, lo: number, hi: number): number {
  let pos = at
  while (hi !== 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80
    lo = ((lo >>> 7) | (hi << 25)) >>> 0
    hi >>>= 7
  }
  buf[pos++] = lo
  return pos
}
