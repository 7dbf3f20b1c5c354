import { Buffer, isUtf8 } from 'node:buffer'

/**
 * Decodes label strings straight from the request buffer. `Buffer#toString(encoding, start, end)`
 * measured ~50 ns per short label here, against ~85 ns for TextDecoder on a subarray and ~150 ns
 * for String.fromCharCode (it also allocates no view). Prometheus rejects invalid UTF-8 instead of
 * replacing it, so a decoded string containing U+FFFD gets its bytes checked (rare path).
 */

/** A zero-copy Buffer over `bytes` (Buffer is what gives fast range decoding). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** The string in `buf[start, end)`, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(buf: Buffer, start: number, end: number): string | undefined {
  if (start === end) return ''
  const s = buf.toString('utf8', start, end)
  if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) return undefined
  return s
}

/** The string in `buf[start, end)`, which the caller knows is ASCII. */
export function decodeAscii(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end)
}
