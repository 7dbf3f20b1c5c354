import { BatchFormatError, BinaryReader } from '../../core/batch/binary.js'
import type { BinaryWriter } from '../../core/batch/binary.js'

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

/** The two bytes every aggregate-state encoding starts with: format version, then kind. */
export function writeHeader(w: BinaryWriter, version: number, kind: number): void {
  w.u8(version)
  w.u8(kind)
}

/** Reads and checks the header written by `writeHeader`; `what` names the kind in a reason. */
export function readHeader(r: BinaryReader, version: number, kind: number, what: string): void {
  const v = r.u8()
  if (v !== version) throw new BatchFormatError(`unsupported ${what} version ${v}`)
  const k = r.u8()
  if (k !== kind) throw new BatchFormatError(`kind ${k} is not ${what}`)
}
