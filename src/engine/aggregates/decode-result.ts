import { BinaryReader } from '../../core/batch/binary.js'

/** What a decode of persisted aggregate state returns: never a throw, so restore loops stay simple. */
export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string }

/** Runs `read` over `bytes`, requiring every byte to be used; any failure becomes a reason. */
export function decodeWith<T>(
  what: string,
  bytes: Uint8Array,
  read: (r: BinaryReader) => T,
): DecodeResult<T> {
  try {
    const r = new BinaryReader(bytes)
    const value = read(r)
    r.end()
    return { ok: true, value }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: `malformed ${what}: ${message}` }
  }
}
