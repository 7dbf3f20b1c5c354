import { crc32 } from 'node:zlib'
import { BinaryWriter } from '../../core/batch/binary.js'
import type { WindowAssigner } from './window-assigner.js'
import type { WindowRetraction } from './window-result.js'
import { WINDOWS_SNAPSHOT_VERSION } from './windows-snapshot.js'
import type { KeySamplesEntry, WindowSnapshotEntry, WindowsSnapshot } from './windows-snapshot.js'

/**
 * Binary form of a WindowsSnapshot, for the state backend. Times and numbers are f64 (times may be
 * negative, values any double); counts and lengths are uvarints; strings are UTF-8 with a uvarint
 * byte length. The last 4 bytes are the CRC-32 of everything before them.
 *
 * ```
 * u8 version  u8 assigner kind (1 tumbling, 2 sliding, 3 session)  f64 size|gap  f64 slide  f64 offset
 * u8 dedupe  f64 watermark  uvarint nextSessionId
 * uvarint windows, each: str key, f64 id, f64 start, f64 end, uvarint revision, u8 flags
 *   (1 hasClosed, 2 isDirty, 4 has samples), uvarint acc length + bytes, [uvarint n, n × f64]
 * uvarint keys with shared samples, each: str key, uvarint n, n × f64 (ts, value interleaved)
 * uvarint retractions, each: str key, f64 id, f64 start, f64 end, uvarint revision
 * u32le crc32
 * ```
 */
const ASSIGNER_CODE = { tumbling: 1, sliding: 2, session: 3 } as const

export function encodeWindowsSnapshot(s: WindowsSnapshot): Buffer {
  const w = new BinaryWriter(64 + s.windows.length * 64)
  w.u8(s.version)
  writeAssigner(w, s.assigner)
  w.u8(s.dedupeByTimestamp ? 1 : 0)
  w.f64(s.watermarkMs)
  w.uvarint(s.nextSessionId)
  w.uvarint(s.windows.length)
  for (const e of s.windows) {
    writeIdentity(w, e.key, e.id, e.start, e.end, e.revision)
    w.u8((e.hasClosed ? 1 : 0) | (e.isDirty ? 2 : 0) | (e.samples === null ? 0 : 4))
    w.uvarint(e.accumulator.byteLength)
    w.raw(e.accumulator)
    if (e.samples !== null) writeNumbers(w, e.samples)
  }
  w.uvarint(s.keySamples.length)
  for (const k of s.keySamples) {
    writeString(w, k.key)
    writeNumbers(w, k.samples)
  }
  w.uvarint(s.retractions.length)
  for (const r of s.retractions) writeIdentity(w, r.key, r.windowId, r.windowStart, r.windowEnd, r.revision)
  const tail = Buffer.alloc(4)
  tail.writeUInt32LE(crc32(w.view()))
  w.raw(tail)
  return w.finish()
}

export type DecodeSnapshotResult = { ok: true; snapshot: WindowsSnapshot } | { ok: false; reason: string }

/** Never throws: damaged or foreign bytes give `{ ok: false, reason }`. */
export function decodeWindowsSnapshot(bytes: Uint8Array): DecodeSnapshotResult {
  try {
    if (bytes.byteLength < 5) return { ok: false, reason: 'window snapshot shorter than its header' }
    const body = bytes.subarray(0, bytes.byteLength - 4)
    const stored = new DataView(bytes.buffer, bytes.byteOffset + body.byteLength, 4).getUint32(0, true)
    if (crc32(body) !== stored) return { ok: false, reason: 'window snapshot checksum mismatch' }
    return { ok: true, snapshot: readSnapshot(new Reader(body)) }
  } catch (err) {
    return {
      ok: false,
      reason: `malformed window snapshot: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

function readSnapshot(r: Reader): WindowsSnapshot {
  const version = r.u8()
  if (version !== WINDOWS_SNAPSHOT_VERSION) throw new Error(`unsupported version ${version}`)
  const assigner = readAssigner(r)
  const dedupeByTimestamp = r.u8() === 1
  const watermarkMs = r.f64()
  const nextSessionId = r.uvarint()
  const windows: WindowSnapshotEntry[] = []
  for (let i = r.count(); i > 0; i--) {
    const [key, id, start, end, revision] = [r.str(), r.f64(), r.f64(), r.f64(), r.uvarint()]
    const flags = r.u8()
    const accumulator = r.bytes(r.count())
    const samples = (flags & 4) !== 0 ? readNumbers(r) : null
    const hasClosed = (flags & 1) !== 0
    const isDirty = (flags & 2) !== 0
    windows.push({ key, id, start, end, revision, hasClosed, isDirty, accumulator, samples })
  }
  const keySamples: KeySamplesEntry[] = []
  for (let i = r.count(); i > 0; i--) keySamples.push({ key: r.str(), samples: readNumbers(r) })
  const retractions: WindowRetraction[] = []
  for (let i = r.count(); i > 0; i--) {
    const [key, windowId, windowStart, windowEnd, revision] = [
      r.str(),
      r.f64(),
      r.f64(),
      r.f64(),
      r.uvarint(),
    ]
    retractions.push({ kind: 'retract', key, windowId, windowStart, windowEnd, revision })
  }
  r.end()
  return {
    version,
    assigner,
    dedupeByTimestamp,
    watermarkMs,
    nextSessionId,
    windows,
    keySamples,
    retractions,
  }
}

function writeAssigner(w: BinaryWriter, a: WindowAssigner): void {
  w.u8(ASSIGNER_CODE[a.kind])
  if (a.kind === 'session') {
    w.f64(a.gapMs)
    w.f64(0)
    w.f64(0)
  } else {
    w.f64(a.sizeMs)
    w.f64(a.kind === 'sliding' ? a.slideMs : a.sizeMs)
    w.f64(a.offsetMs)
  }
}

function readAssigner(r: Reader): WindowAssigner {
  const code = r.u8()
  const [size, slide, offsetMs] = [r.f64(), r.f64(), r.f64()]
  if (code === ASSIGNER_CODE.tumbling) return { kind: 'tumbling', sizeMs: size, offsetMs }
  if (code === ASSIGNER_CODE.sliding) return { kind: 'sliding', sizeMs: size, slideMs: slide, offsetMs }
  if (code === ASSIGNER_CODE.session) return { kind: 'session', gapMs: size }
  throw new Error(`unknown assigner code ${code}`)
}

function writeIdentity(
  w: BinaryWriter,
  key: string,
  id: number,
  start: number,
  end: number,
  rev: number,
): void {
  const n = Buffer.byteLength(key, 'utf8')
  w.uvarint(n)
  w.utf8(key, n)
  w.f64(id)
  w.f64(start)
  w.f64(end)
  w.uvarint(rev)
}

function writeString(w: BinaryWriter, s: string): void {
  const n = Buffer.byteLength(s, 'utf8')
  w.uvarint(n)
  w.utf8(s, n)
}

function writeNumbers(w: BinaryWriter, numbers: readonly number[]): void {
  w.uvarint(numbers.length)
  for (const n of numbers) w.f64(n)
}

function readNumbers(r: Reader): number[] {
  const out: number[] = []
  for (let n = r.count(); n > 0; n--) out.push(r.f64())
  return out
}

/** Bounds-checked little-endian reads; any overrun throws, and decode turns it into a reason. */
class Reader {
  readonly #buf: Buffer
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  u8(): number {
    this.#need(1)
    return this.#buf[this.#pos++]!
  }

  f64(): number {
    this.#need(8)
    const v = this.#buf.readDoubleLE(this.#pos)
    this.#pos += 8
    return v
  }

  uvarint(): number {
    let v = 0
    for (let i = 0, scale = 1; i < 8; i++, scale *= 0x80) {
      const b = this.u8()
      v += (b & 0x7f) * scale
      if (b < 0x80) return v
    }
    throw new Error(`overlong varint at byte ${this.#pos}`)
  }

  /** A count or length that cannot exceed the bytes left, so garbage can't ask for a huge array. */
  count(): number {
    const n = this.uvarint()
    if (n > this.#buf.length - this.#pos) throw new Error(`count ${n} exceeds the bytes left`)
    return n
  }

  bytes(n: number): Uint8Array {
    this.#need(n)
    const out = new Uint8Array(this.#buf.subarray(this.#pos, this.#pos + n))
    this.#pos += n
    return out
  }

  str(): string {
    const n = this.count()
    const s = this.#buf.toString('utf8', this.#pos, this.#pos + n)
    this.#pos += n
    return s
  }

  end(): void {
    if (this.#pos !== this.#buf.length) throw new Error(`${this.#buf.length - this.#pos} trailing bytes`)
  }

  #need(n: number): void {
    if (this.#pos + n > this.#buf.length) throw new Error(`truncated at byte ${this.#pos}`)
  }
}
