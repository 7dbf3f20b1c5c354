import { BinaryReader } from '../../core/batch/binary.js'

/**
 * core's bounds-checked `BinaryReader` plus what state snapshots add: fixed u32 counts, inline
 * UTF-8 strings and length-prefixed byte runs (views, no copy). Every overrun throws; the
 * snapshot reader turns that into a reason.
 */
export class ByteCursor extends BinaryReader {
  readonly #buf: Buffer

  constructor(bytes: Uint8Array, pos = 0) {
    super(bytes)
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.pos = pos
  }

  u32(): number {
    if (this.remaining < 4) throw new RangeError(`truncated at byte ${this.pos}`)
    const v = this.#buf.readUInt32LE(this.pos)
    this.pos += 4
    return v
  }

  /** uvarint byte length, then that many bytes as a view. */
  bytes(): Uint8Array {
    const n = this.count()
    const b = this.#buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return b
  }

  /** uvarint byte length, then that many bytes of UTF-8. */
  text(): string {
    const n = this.count()
    const s = this.#buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }
}
