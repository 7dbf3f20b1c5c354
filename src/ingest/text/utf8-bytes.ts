import { Buffer } from 'node:buffer'

/**
 * True when `s` takes more than `maxBytes` bytes in UTF-8. Avoids measuring in the common cases: a
 * UTF-16 code unit takes 1 to 3 UTF-8 bytes (a surrogate pair, two units, takes 4), so
 * `s.length ≤ bytes ≤ 3 × s.length`.
 */
export function exceedsUtf8Bytes(s: string, maxBytes: number): boolean {
  if (s.length * 3 <= maxBytes) return false
  if (s.length > maxBytes) return true
  return Buffer.byteLength(s, 'utf8') > maxBytes
}
