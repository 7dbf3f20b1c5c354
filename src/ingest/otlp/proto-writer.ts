/**
 * A small protobuf writer for the cold paths that must produce wire bytes (an OTLP/JSON
 * exponential-histogram point re-encoded as protobuf to be kept). Not for hot paths: it builds a
 * plain number array.
 */
export class ProtoWriter {
  readonly #out: number[] = []

  finish(): Uint8Array {
    return Uint8Array.from(this.#out)
  }

  #varint(v: bigint): void {
    let n = BigInt.asUintN(64, v)
    while (n >= 0x80n) {
      this.#out.push(Number(n & 0x7fn) | 0x80)
      n >>= 7n
    }
    this.#out.push(Number(n))
  }

  #tag(field: number, wire: number): void {
    this.#varint(BigInt((field << 3) | wire))
  }

  varint(field: number, v: bigint | number): void {
    this.#tag(field, 0)
    this.#varint(BigInt(v))
  }

  /** sint32 (zigzag). */
  sint32(field: number, v: number): void {
    this.#tag(field, 0)
    this.#varint(BigInt(((v << 1) ^ (v >> 31)) >>> 0))
  }

  fixed64(field: number, v: bigint): void {
    this.#tag(field, 1)
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true)
    this.#out.push(...b)
  }

  double(field: number, v: number): void {
    this.#tag(field, 1)
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, v, true)
    this.#out.push(...b)
  }

  bytes(field: number, b: Uint8Array): void {
    this.#tag(field, 2)
    this.#varint(BigInt(b.length))
    for (const x of b) this.#out.push(x)
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s))
  }

  /** A nested message written by `write`. */
  message(field: number, write: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter()
    write(w)
    this.bytes(field, w.finish())
  }

  /** A packed repeated varint field. */
  packedVarints(field: number, vs: readonly (bigint | number)[]): void {
    if (vs.length === 0) return
    const w = new ProtoWriter()
    for (const v of vs) w.#varint(BigInt(v))
    this.bytes(field, w.finish())
  }
}
