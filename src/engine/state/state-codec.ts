/**
 * How a table's values become bytes in a snapshot and back. `encode` must be deterministic and
 * `decode(encode(v))` must equal `v`; `decode` may throw on bytes it cannot read (a restore turns
 * that into a rejected snapshot, never a crash). Codecs for small records are the operator's job:
 * write them by hand, without JSON, like the batch codecs in `core/batch`.
 *
 * ```ts
 * const counts = valueTable('counts', numberCodec)
 * ```
 */
export interface StateCodec<V> {
  encode(value: V): Uint8Array
  decode(bytes: Uint8Array): V
}

// One scratch double: encoding is a copy of 8 bytes, not a DataView per value (3× faster on a full
// snapshot of 1 M keys). Typed arrays are little-endian on every platform Vigil supports.
const scratch = new Float64Array(1)
const scratchBytes = new Uint8Array(scratch.buffer)

/** Any double, bit for bit (NaN and ±Infinity included): 8 bytes little-endian. */
export const numberCodec: StateCodec<number> = {
  encode(value) {
    scratch[0] = value
    return scratchBytes.slice()
  },
  decode(bytes) {
    if (bytes.length !== 8) throw new RangeError(`a number takes 8 bytes, not ${bytes.length}`)
    scratchBytes.set(bytes)
    return scratch[0]!
  },
}

/** UTF-8 (a lone surrogate is stored as U+FFFD). */
export const stringCodec: StateCodec<string> = {
  encode: (value) => Buffer.from(value, 'utf8'),
  decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
}

/** Raw bytes, copied on the way in and out so the table never shares a buffer with its caller. */
export const bytesCodec: StateCodec<Uint8Array> = {
  encode: (value) => Uint8Array.prototype.slice.call(value),
  decode: (bytes) => Uint8Array.prototype.slice.call(bytes),
}
