/** Byte-level checks on label names, done before any string is decoded. */

/** True when `buf[start, end)` matches `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLabelName(buf: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false
  const first = buf[start]!
  if (!(isLetter(first) || first === 0x5f)) return false
  for (let i = start + 1; i < end; i++) {
    const c = buf[i]!
    if (!(isLetter(c) || c === 0x5f || (c >= 0x30 && c <= 0x39))) return false
  }
  return true
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
}

/** True when every byte of `buf[start, end)` is ASCII. */
export function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return false
  return true
}
