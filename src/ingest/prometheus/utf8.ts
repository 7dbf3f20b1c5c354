import { isUtf8 } from 'node:buffer'

/**
 * Decodes label strings. Most label names and values are short ASCII, where building the string
 * from char codes beats a TextDecoder call by a wide margin; anything else goes to TextDecoder after
 * a validity check, because Prometheus rejects invalid UTF-8 instead of replacing it.
 */
const decoder = new TextDecoder('utf-8', { fatal: false })
const SHORT = 64

/** The string in `buf[start, end)`, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start
  if (n === 0) return ''
  if (n <= SHORT) {
    let ascii = true
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) {
        ascii = false
        break
      }
    }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[])
  }
  const view = buf.subarray(start, end)
  return isUtf8(view) ? decoder.decode(view) : undefined
}
