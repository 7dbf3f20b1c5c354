import { crc32 } from 'node:zlib'
import { BatchFormatError, BinaryReader, BinaryWriter } from '../../../core/batch/binary.js'

export const SPAN_SEEN_FORMAT_VERSION = 1

/**
 * The span identities a RED operator has counted and may still be asked to count again: dedupe by
 * (tenant, traceId, spanId) instead of the window core's (key, timestamp).
 *
 * Each identity carries an expiry: the time at which every window that holds the span (one per
 * window size) is dropped, i.e. max over sizes of (window end) + allowed lateness. Once
 * `watermark + 1 ≥ expiry` a repeat of the span would be late in every size anyway, so the identity
 * is forgotten by `prune` (the window core drops window state at the same instant).
 *
 * Memory: one map entry and one array slot per identity plus the identity string itself (tenant,
 * traceId and spanId joined with NUL), roughly 120 bytes in V8; bounded by the operator's `maxTrackedSpans`.
 *
 * Binary form (`encode`/`decode`; equal states encode to equal bytes):
 * ```
 * u8 version = 1   uvarint buckets, ascending expiry, each: f64 expiry, uvarint n,
 *                  n × (uvarint UTF-8 length, bytes)   u32le CRC-32 of everything before
 * ```
 */
export class SpanSeen {
  readonly #expiryOf = new Map<string, number>()
  /** Identities by expiry, in insertion order, for pruning without a scan of every entry. */
  readonly #byExpiry = new Map<number, string[]>()

  get size(): number {
    return this.#expiryOf.size
  }

  has(identity: string): boolean {
    return this.#expiryOf.has(identity)
  }

  /** Remembers `identity` until `prune(done)` with `done ≥ expiryMs`. No-op when already known. */
  add(identity: string, expiryMs: number): void {
    if (this.#expiryOf.has(identity)) return
    this.#expiryOf.set(identity, expiryMs)
    const bucket = this.#byExpiry.get(expiryMs)
    if (bucket === undefined) this.#byExpiry.set(expiryMs, [identity])
    else bucket.push(identity)
  }

  /** Forgets every identity with expiry ≤ `doneMs` (= watermark + 1). O(buckets + forgotten). */
  prune(doneMs: number): void {
    for (const [expiry, ids] of this.#byExpiry) {
      if (expiry > doneMs) continue
      for (const id of ids) this.#expiryOf.delete(id)
      this.#byExpiry.delete(expiry)
    }
  }

  encode(): Uint8Array {
    const w = new BinaryWriter(16 + this.#expiryOf.size * 64)
    w.u8(SPAN_SEEN_FORMAT_VERSION)
    const expiries = [...this.#byExpiry.keys()].sort((a, b) => a - b)
    w.uvarint(expiries.length)
    for (const expiry of expiries) {
      const ids = this.#byExpiry.get(expiry)!
      w.f64(expiry)
      w.uvarint(ids.length)
      for (const id of ids) {
        const n = Buffer.byteLength(id, 'utf8')
        w.uvarint(n)
        w.utf8(id, n)
      }
    }
    const tail = Buffer.alloc(4)
    tail.writeUInt32LE(crc32(w.view()))
    w.raw(tail)
    return w.finish()
  }

  /** Never throws: damaged or foreign bytes give `{ ok: false, reason }`. */
  static decode(
    bytes: Uint8Array,
  ): { readonly ok: true; readonly value: SpanSeen } | { readonly ok: false; readonly reason: string } {
    try {
      if (bytes.byteLength < 5) throw new BatchFormatError('shorter than its header')
      const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength - 4)
      const stored = Buffer.from(bytes.buffer, bytes.byteOffset + body.byteLength, 4).readUInt32LE(0)
      if (crc32(body) !== stored) throw new BatchFormatError('checksum mismatch')
      const r = new BinaryReader(body)
      const version = r.u8()
      if (version !== SPAN_SEEN_FORMAT_VERSION) throw new BatchFormatError(`unsupported version ${version}`)
      const seen = new SpanSeen()
      let previous = Number.NEGATIVE_INFINITY
      for (let buckets = r.count(); buckets > 0; buckets--) {
        const expiry = r.f64()
        if (!(expiry > previous)) throw new BatchFormatError('bucket expiries are not ascending')
        previous = expiry
        const size = r.count()
        if (size === 0) throw new BatchFormatError('an empty bucket')
        for (let n = size; n > 0; n--) {
          const len = r.count()
          const id = body.toString('utf8', r.pos, r.pos + len)
          r.pos += len
          if (seen.has(id)) throw new BatchFormatError('an identity appears twice')
          seen.add(id, expiry)
        }
      }
      r.end()
      return { ok: true, value: seen }
    } catch (err) {
      return { ok: false, reason: `malformed span dedupe state: ${(err as Error).message}` }
    }
  }
}
