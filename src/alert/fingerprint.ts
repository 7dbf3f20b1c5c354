import type { AlertLabels } from './alert.js'

/**
 * A label set's fingerprint exactly as Alertmanager (and Prometheus' `model.LabelSet.Fingerprint`)
 * computes it, so the `fingerprint` of our webhook payloads is the one an Alertmanager would show:
 * 64-bit FNV-1a over the UTF-8 bytes of each label name and value in name order, each followed by
 * the separator byte 0xff, printed as 16 hex digits. The empty set hashes to the FNV offset basis.
 */
export function labelsFingerprint(labels: AlertLabels): string {
  const h = new Fnv1a64()
  for (const name of Object.keys(labels).sort()) {
    h.addString(name)
    h.addByte(0xff)
    h.addString(labels[name]!)
    h.addByte(0xff)
  }
  return h.hex()
}

/**
 * 64-bit FNV-1a in two 32-bit halves (no BigInt on this path: alert evaluation hashes every
 * candidate's labels). Multiplying by the FNV prime 2^40 + 0x1b3 is `h * 0x1b3 + (h << 40)`.
 */
export class Fnv1a64 {
  #hi = 0xcbf29ce4
  #lo = 0x84222325

  addByte(byte: number): void {
    this.#lo = (this.#lo ^ byte) >>> 0
    const lo = this.#lo * 0x1b3
    const carry = Math.floor(lo / 0x1_0000_0000)
    this.#hi = (this.#hi * 0x1b3 + carry + ((this.#lo << 8) >>> 0)) >>> 0
    this.#lo = lo >>> 0
  }

  /** Adds the UTF-8 encoding of `s` (a lone surrogate is encoded as U+FFFD, as Go does). */
  addString(s: string): void {
    for (const ch of s) {
      let cp = ch.codePointAt(0)!
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
      if (cp < 0x80) {
        this.addByte(cp)
      } else if (cp < 0x800) {
        this.addByte(0xc0 | (cp >> 6))
        this.addByte(0x80 | (cp & 0x3f))
      } else if (cp < 0x10000) {
        this.addByte(0xe0 | (cp >> 12))
        this.addByte(0x80 | ((cp >> 6) & 0x3f))
        this.addByte(0x80 | (cp & 0x3f))
      } else {
        this.addByte(0xf0 | (cp >> 18))
        this.addByte(0x80 | ((cp >> 12) & 0x3f))
        this.addByte(0x80 | ((cp >> 6) & 0x3f))
        this.addByte(0x80 | (cp & 0x3f))
      }
    }
  }

  hex(): string {
    return this.#hi.toString(16).padStart(8, '0') + this.#lo.toString(16).padStart(8, '0')
  }
}
