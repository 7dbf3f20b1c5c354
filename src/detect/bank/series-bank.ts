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
  /** group → key → slot: two levels, so the key can be the caller's own string (no joined copy). */
  readonly #slots = new Map<string, Map<string, number>>()
  #size = 0
  #groups: (string | undefined)[] = []
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
    return this.#size
  }

  #place(group: string, key: string): number {
    const slot = this.#free.pop() ?? this.#used++
    if (slot >= this.#lastSeen.length) this.#grow(slot + 1)
    this.#groups[slot] = group
    this.#keys[slot] = key
    let g = this.#slots.get(group)
    if (g === undefined) {
      g = new Map()
      this.#slots.set(group, g)
    }
    g.set(key, slot)
    this.#size++
    return slot
  }

  #remove(group: string, key: string, slot: number): void {
    const g = this.#slots.get(group)
    g?.delete(key)
    if (g?.size === 0) this.#slots.delete(group)
    this.#groups[slot] = undefined
    this.#keys[slot] = undefined
    this.#free.push(slot)
    this.#size--
  }

  /**
   * The slot of (`group`, `key`) — e.g. (tenant + feature, the series' labelsKey) — creating it
   * (zeroed) if there is room; −1 when the bank is full.
   */
  slot(group: string, key: string, timeMs: number): number {
    let slot = this.#slots.get(group)?.get(key)
    if (slot === undefined) {
      if (this.#size >= this.maxSeries) return -1
      slot = this.#place(group, key)
      this.#state.fill(0, slot * this.stride, (slot + 1) * this.stride)
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
    for (const [group, keys] of [...this.#slots]) {
      for (const [key, slot] of [...keys]) {
        if (this.#lastSeen[slot]! >= beforeMs) continue
        this.#remove(group, key, slot)
        this.#removed.push(group, key)
        n++
      }
    }
    return n
  }

  /**
   * A snapshot: all series (`full`) or those changed and removed since the previous snapshot.
   * Format (little-endian): "VDSB" | u8 version 2 | u8 full | u32 stride | u32 removed | u32 entries
   * | removed (group, key) | entries (group, key, f64 lastSeen, stride × f64) | u32 CRC-32 of
   * everything before it; a string is a u32 length and UTF-8.
   */
  snapshot(full: boolean): Uint8Array {
    const slots: number[] = []
    if (full) {
      for (const keys of this.#slots.values()) for (const slot of keys.values()) slots.push(slot)
    } else {
      for (const slot of this.#dirtyList) if (this.#keys[slot] !== undefined) slots.push(slot)
    }
    const removed = full ? [] : this.#removed
    const bytesOf = (k: string): Buffer => Buffer.from(k, 'utf8')
    const encodedRemoved = removed.map(bytesOf)
    const encodedEntries = slots.map(
      (slot) => [bytesOf(this.#groups[slot]!), bytesOf(this.#keys[slot]!)] as const,
    )
    let size = 18 + 4
    for (const k of encodedRemoved) size += 4 + k.length
    for (const [g, k] of encodedEntries) size += 8 + g.length + k.length + 8 + this.stride * 8
    const buf = Buffer.alloc(size)
    buf.write('VDSB', 0, 'latin1')
    buf.writeUInt8(2, 4)
    buf.writeUInt8(full ? 1 : 0, 5)
    buf.writeUInt32LE(this.stride, 6)
    buf.writeUInt32LE(encodedRemoved.length / 2, 10)
    buf.writeUInt32LE(slots.length, 14)
    let at = 18
    const put = (b: Buffer): void => {
      buf.writeUInt32LE(b.length, at)
      buf.set(b, at + 4)
      at += 4 + b.length
    }
    for (const k of encodedRemoved) put(k)
    const f64 = new Float64Array(this.stride)
    const bytes = new Uint8Array(f64.buffer)
    slots.forEach((slot, i) => {
      put(encodedEntries[i]![0])
      put(encodedEntries[i]![1])
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
    this.#size = 0
    this.#groups = []
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
    if (buf.readUInt8(4) !== 2) throw bad(`format version ${buf.readUInt8(4)} is not 2`)
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
      const group = readKey()
      const key = readKey()
      const slot = this.#slots.get(group)?.get(key)
      if (slot !== undefined) this.#remove(group, key, slot)
    }
    for (let i = 0; i < entries; i++) {
      const group = readKey()
      const key = readKey()
      const lastSeen = buf.readDoubleLE(at)
      at += 8
      const slot = this.#slots.get(group)?.get(key) ?? this.#place(group, key)
      this.#lastSeen[slot] = lastSeen
      const src = new Float64Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + stride * 8))
      this.#state.set(src, slot * stride)
      at += stride * 8
    }
  }
}
