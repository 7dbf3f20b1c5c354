import { crc32 as crc32Of } from 'node:zlib'
import { PipelineError } from '../../core/index.js'

/**
 * The state of many series for one `PointDetector`: a key → slot dictionary and one Float64Array
 * of `stride` numbers per slot, grown by doubling up to `maxSeries`. Bounded: a new series past
 * `maxSeries` is refused (the caller counts it), and series idle for longer than the caller's TTL
 * are evicted so their slots are reused.
 *
 * Tracks which slots changed since the last snapshot, so checkpoints can be deltas (`snapshot`):
 * a series scored every 10 s changes in about one epoch of ten at a 1 s checkpoint interval.
 */
export class SeriesBank {
  readonly #slots = new Map<string, number>()
  #keys: (string | undefined)[] = []
  #state: Float64Array
  #lastSeen: Float64Array
  #dirty: Uint8Array
  #dirtyList: number[] = []
  #removed: string[] = []
  readonly #free: number[] = []
  #used = 0

  constructor(
    readonly stride: number,
    readonly maxSeries: number,
    initialCapacity = 1024,
  ) {
    const cap = Math.max(1, Math.min(initialCapacity, maxSeries))
    this.#state = new Float64Array(cap * stride)
    this.#lastSeen = new Float64Array(cap)
    this.#dirty = new Uint8Array(cap)
  }

  /** The state array; a series' state starts at `slot * stride`. Reallocated when the bank grows. */
  get state(): Float64Array {
    return this.#state
  }

  get size(): number {
    return this.#slots.size
  }

  /** The slot of `key`, creating it (zeroed) if there is room; −1 when the bank is full. */
  slot(key: string, timeMs: number): number {
    let slot = this.#slots.get(key)
    if (slot === undefined) {
      if (this.#slots.size >= this.maxSeries) return -1
      slot = this.#free.pop() ?? this.#used++
      if (slot >= this.#lastSeen.length) this.#grow(slot + 1)
      this.#state.fill(0, slot * this.stride, (slot + 1) * this.stride)
      this.#keys[slot] = key
      this.#slots.set(key, slot)
    }
    this.#lastSeen[slot] = timeMs
    if (this.#dirty[slot] === 0) {
      this.#dirty[slot] = 1
      this.#dirtyList.push(slot)
    }
    return slot
  }

  #grow(minSlots: number): void {
    let cap = this.#lastSeen.length
    while (cap < minSlots) cap *= 2
    cap = Math.min(cap, this.maxSeries)
    const state = new Float64Array(cap * this.stride)
    state.set(this.#state)
    this.#state = state
    const lastSeen = new Float64Array(cap)
    lastSeen.set(this.#lastSeen)
    this.#lastSeen = lastSeen
    const dirty = new Uint8Array(cap)
    dirty.set(this.#dirty)
    this.#dirty = dirty
  }

  /** Forgets series last seen before `beforeMs` (event time); returns how many. */
  evictIdle(beforeMs: number): number {
    let n = 0
    for (const [key, slot] of this.#slots) {
      if (this.#lastSeen[slot]! >= beforeMs) continue
      this.#slots.delete(key)
      this.#keys[slot] = undefined
      this.#free.push(slot)
      this.#removed.push(key)
      n++
    }
    return n
  }

  /**
   * A snapshot: all series (`full`) or those changed and removed since the previous snapshot.
   * Format (little-endian): "VDSB" | u8 version 1 | u8 full | u32 stride | u32 removed | u32 entries
   * | removed keys (u32 length + UTF-8) | entries (key, f64 lastSeen, stride × f64) | u32 CRC-32 of
   * everything before it.
   */
  snapshot(full: boolean): Uint8Array {
    const slots = full
      ? [...this.#slots.values()]
      : this.#dirtyList.filter((s) => this.#keys[s] !== undefined)
    const removed = full ? [] : this.#removed
    const keyBytes = (k: string): Buffer => Buffer.from(k, 'utf8')
    const encodedRemoved = removed.map(keyBytes)
    const encodedKeys = slots.map((s) => keyBytes(this.#keys[s]!))
    let size = 4 + 1 + 1 + 12 + 4
    for (const k of encodedRemoved) size += 4 + k.length
    for (const k of encodedKeys) size += 4 + k.length + 8 + this.stride * 8
    const buf = Buffer.alloc(size)
    buf.write('VDSB', 0, 'latin1')
    buf.writeUInt8(1, 4)
    buf.writeUInt8(full ? 1 : 0, 5)
    buf.writeUInt32LE(this.stride, 6)
    buf.writeUInt32LE(encodedRemoved.length, 10)
    buf.writeUInt32LE(slots.length, 14)
    let at = 18
    for (const k of encodedRemoved) {
      buf.writeUInt32LE(k.length, at)
      buf.set(k, at + 4)
      at += 4 + k.length
    }
    const f64 = new Float64Array(this.stride)
    const bytes = new Uint8Array(f64.buffer)
    slots.forEach((slot, i) => {
      const k = encodedKeys[i]!
      buf.writeUInt32LE(k.length, at)
      buf.set(k, at + 4)
      at += 4 + k.length
      buf.writeDoubleLE(this.#lastSeen[slot]!, at)
      at += 8
      f64.set(this.#state.subarray(slot * this.stride, (slot + 1) * this.stride))
      buf.set(bytes, at)
      at += this.stride * 8
    })
    buf.writeUInt32LE(crc32Of(buf.subarray(0, at)), at)
    for (const s of this.#dirtyList) this.#dirty[s] = 0
    this.#dirtyList = []
    this.#removed = []
    return buf
  }

  /** Whether `bytes` are a snapshot of this format (checks the magic only). */
  static accepts(bytes: Uint8Array): boolean {
    return bytes.length >= 4 && Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('latin1') === 'VDSB'
  }

  /** Restores from the newest full snapshot and the deltas after it (empty: fresh state). */
  restore(chain: readonly Uint8Array[]): void {
    this.#slots.clear()
    this.#keys = []
    this.#free.length = 0
    this.#used = 0
    this.#dirty.fill(0)
    this.#dirtyList = []
    this.#removed = []
    chain.forEach((bytes, i) => this.#apply(bytes, i === 0))
  }

  #apply(bytes: Uint8Array, first: boolean): void {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const bad = (why: string): PipelineError =>
      new PipelineError(`detector state snapshot: ${why}`, {
        code: 'detect.bad_snapshot',
        domain: 'internal',
        retryable: false,
      })
    if (buf.length < 22 || !SeriesBank.accepts(bytes)) throw bad('not a series bank snapshot')
    if (buf.readUInt8(4) !== 1) throw bad(`format version ${buf.readUInt8(4)} is not 1`)
    if (crc32Of(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4))
      throw bad('checksum mismatch')
    const full = buf.readUInt8(5) === 1
    if (first && !full) throw bad('the chain does not start with a full snapshot')
    const stride = buf.readUInt32LE(6)
    if (stride !== this.stride)
      throw bad(`stride ${stride} differs from the detector's ${this.stride} (config changed)`)
    const removed = buf.readUInt32LE(10)
    const entries = buf.readUInt32LE(14)
    let at = 18
    const readKey = (): string => {
      const len = buf.readUInt32LE(at)
      const key = buf.toString('utf8', at + 4, at + 4 + len)
      at += 4 + len
      return key
    }
    for (let i = 0; i < removed; i++) {
      const key = readKey()
      const slot = this.#slots.get(key)
      if (slot === undefined) continue
      this.#slots.delete(key)
      this.#keys[slot] = undefined
      this.#free.push(slot)
    }
    for (let i = 0; i < entries; i++) {
      const key = readKey()
      const lastSeen = buf.readDoubleLE(at)
      at += 8
      let slot = this.#slots.get(key)
      if (slot === undefined) {
        slot = this.#free.pop() ?? this.#used++
        if (slot >= this.#lastSeen.length) this.#grow(slot + 1)
        this.#keys[slot] = key
        this.#slots.set(key, slot)
      }
      this.#lastSeen[slot] = lastSeen
      const src = new Float64Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + stride * 8))
      this.#state.set(src, slot * stride)
      at += stride * 8
    }
  }
}
