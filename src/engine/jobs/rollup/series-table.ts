import { labelFacts } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'

/** Size classes of sample blocks: class c holds `2 << c` samples. */
const CLASSES = 26
/** Doubles per stored sample: ts, value, mask of the window sizes holding it. */
const SAMPLE = 3

/**
 * The rollup's series: a dense index per (tenant, labelsKey), with per series the (ts, value)
 * samples some open window holds (for dedupe by (series, ts) and for rebuilding a window when a
 * repeated timestamp brings another value) and the key order that emission sorts by.
 *
 * Why hand-written: the generic KeyedWindows keeps a `Map<ts, value>` per key per window size and
 * a `Map` per key of window slots, and at 10k–1M series those map lookups per sample per size
 * (plus the boxed doubles) were most of the rollup's profile. Here a series is a small integer;
 * its samples live in blocks of a few shared Float64Array arenas (one per block size class, with
 * free lists), so a million series cost no million objects and the GC never walks them.
 *
 * Samples are kept in arrival order (a replaced value stays in place), like the Map they replace,
 * so a rebuilt window adds them in the same order as KeyedWindows does.
 */
export class SeriesTable {
  readonly #byTenant = new Map<string, Map<string, number>>()
  tenantOf: string[] = []
  labelsOf: string[] = []
  /** Open windows of the series, over every window size. */
  open = new Int32Array(0)
  /** An upper bound of the stored samples' timestamps (-Infinity when none). */
  maxTs = new Float64Array(0)
  /** A lower bound of the stored samples' timestamps (+Infinity when none): prune skips a series at or past it. */
  minTs = new Float64Array(0)
  sampleClass = new Int8Array(0)
  sampleBlock = new Int32Array(0)
  sampleLen = new Int32Array(0)
  /** Registration number of the series in this slot; 0 when free. Validates entries of `#order`. */
  #stamp = new Int32Array(0)
  #nextStamp = 1
  /** Series slots ever used; `#free` holds the released ones below it. */
  #top = 0
  readonly #free: number[] = []
  /** Per class, fixed-size chunks of blocks: growing never copies, and an empty class frees them. */
  readonly #chunks: Float64Array[][] = []
  readonly #arenaTop: number[] = []
  readonly #arenaFree: number[][] = []
  /** Series in key order as of the last `ensureRanks`, with the stamp each had then. */
  #order = new Int32Array(0)
  #orderStamp = new Int32Array(0)
  #orderLen = 0
  /** Series registered since: (series, stamp) pairs. */
  #unranked: number[] = []
  /** Position in key order (valid for live series after `ensureRanks`). */
  rank = new Int32Array(0)
  #local = new Int32Array(64)

  constructor() {
    for (let c = 0; c < CLASSES; c++) {
      this.#chunks.push([])
      this.#arenaTop.push(0)
      this.#arenaFree.push([])
    }
  }

  /** Slots in use or free; per-series arrays of other tables must be at least this long. */
  get capacity(): number {
    return this.open.length
  }

  /** Series ids of `batch.series`, by position; the array is reused by the next call. */
  resolve(batch: MetricBatch): Int32Array {
    const labels = batch.series
    if (this.#local.length < labels.length) this.#local = new Int32Array(labels.length * 2)
    const local = this.#local
    const byLabels = this.#tenantMap(batch.tenant)
    const stamps = this.#stamp
    for (let j = 0; j < labels.length; j++) {
      // Decoders share one label array per series across batches, so the slot found last time is
      // remembered on it: a property read instead of a string-keyed probe of a map of every series.
      const facts = labelFacts(labels[j]!)
      if (facts.owner === byLabels && stamps[facts.ownerSlot] === facts.ownerStamp) {
        local[j] = facts.ownerSlot
        continue
      }
      const s = byLabels.get(facts.key) ?? this.#register(batch.tenant, facts.key, byLabels)
      facts.owner = byLabels
      facts.ownerSlot = s
      facts.ownerStamp = this.#stamp[s]!
      local[j] = s
    }
    return local
  }

  idOf(tenant: string, labels: string): number {
    const byLabels = this.#tenantMap(tenant)
    return byLabels.get(labels) ?? this.#register(tenant, labels, byLabels)
  }

  /** The series' id, or undefined when it is not registered. */
  lookup(tenant: string, labels: string): number | undefined {
    return this.#byTenant.get(tenant)?.get(labels)
  }

  isLive(s: number): boolean {
    return this.#stamp[s]! !== 0
  }

  /** Forgets a series with no open window, and its samples. */
  release(s: number): void {
    if (this.#stamp[s] === 0) return
    const byLabels = this.#byTenant.get(this.tenantOf[s]!)!
    byLabels.delete(this.labelsOf[s]!)
    if (byLabels.size === 0) this.#byTenant.delete(this.tenantOf[s]!)
    this.#freeSamples(s)
    this.tenantOf[s] = ''
    this.labelsOf[s] = ''
    this.#stamp[s] = 0
    this.#free.push(s)
  }

  /** Live series ids, in no particular order. */
  *live(): IterableIterator<number> {
    for (let s = 0; s < this.#top; s++) if (this.#stamp[s] !== 0) yield s
  }

  // ---- samples ----

  /** The arena holding series s's samples (re-read after `append`: it may move). */
  arena(s: number): Float64Array {
    const c = this.sampleClass[s]!
    return c < 0 ? EMPTY : this.#chunks[c]![(this.sampleBlock[s]! / BLOCKS[c]!) | 0]!
  }

  /** Index in `arena(s)` of the first stored sample. */
  base(s: number): number {
    const c = this.sampleClass[s]!
    return c < 0 ? 0 : (this.sampleBlock[s]! % BLOCKS[c]!) * ((2 << c) * SAMPLE)
  }

  /**
   * Index in `arena(s)` of the sample at ts, or -1. Timestamps mostly grow, so a ts past every
   * stored one (the common case) answers without a scan; otherwise it scans newest first.
   */
  find(s: number, ts: number): number {
    if (!(ts <= this.maxTs[s]!)) return -1
    const a = this.arena(s)
    const base = this.base(s)
    for (let p = base + (this.sampleLen[s]! - 1) * SAMPLE; p >= base; p -= SAMPLE) if (a[p] === ts) return p
    return -1
  }

  append(s: number, ts: number, value: number, mask: number): void {
    const c = this.sampleClass[s]!
    const n = this.sampleLen[s]!
    if (c < 0 || n === 2 << c) this.#moveTo(s, c < 0 ? 0 : c + 1)
    const p = this.base(s) + n * SAMPLE
    const a = this.arena(s)
    a[p] = ts
    a[p + 1] = value
    a[p + 2] = mask
    this.sampleLen[s] = n + 1
    if (ts > this.maxTs[s]!) this.maxTs[s] = ts
    if (ts < this.minTs[s]!) this.minTs[s] = ts
  }

  /** Series s's samples from a checkpoint: `n` (ts, value, mask) triples of `src` from `from`. */
  restoreSamples(s: number, src: Float64Array, from: number, n: number): void {
    this.#freeSamples(s)
    if (n === 0) return
    this.#moveTo(s, classFor(n))
    const a = this.arena(s)
    const base = this.base(s)
    for (let i = 0; i < n * SAMPLE; i++) a[base + i] = src[from + i]!
    this.sampleLen[s] = n
    let max = Number.NEGATIVE_INFINITY
    let min = Number.POSITIVE_INFINITY
    for (let p = from; p < from + n * SAMPLE; p += SAMPLE) {
      if (src[p]! > max) max = src[p]!
      if (src[p]! < min) min = src[p]!
    }
    this.maxTs[s] = max
    this.minTs[s] = min
  }

  /** Appends `n` (ts, value, mask) triples of `src` from `from` after series s's samples (delta restore). */
  appendSamples(s: number, src: Float64Array, from: number, n: number): void {
    for (let p = from; p < from + n * SAMPLE; p += SAMPLE) this.append(s, src[p]!, src[p + 1]!, src[p + 2]!)
  }

  /** Live series. */
  get size(): number {
    return this.#top - this.#free.length
  }

  /** Drops the samples with ts < minTs (their windows of every size are gone), keeping order. */
  prune(s: number, minTs: number): void {
    const n = this.sampleLen[s]!
    // Most calls find nothing to drop (a 10 s window closed, the 1 min one still holds them all).
    if (n === 0 || !(this.minTs[s]! < minTs)) return
    const a = this.arena(s)
    const base = this.base(s)
    let kept = 0
    let min = Number.POSITIVE_INFINITY
    for (let i = 0; i < n; i++) {
      const p = base + i * SAMPLE
      const t = a[p]!
      if (t < minTs) continue
      if (t < min) min = t
      if (kept !== i) a.copyWithin(base + kept * SAMPLE, p, p + SAMPLE)
      kept++
    }
    this.sampleLen[s] = kept
    this.minTs[s] = min
    if (kept === 0) this.#freeSamples(s)
    else if (kept * 4 <= 2 << this.sampleClass[s]!) this.#moveTo(s, classFor(kept))
  }

  // ---- key order ----

  /** Brings `rank` up to date with the series registered since the last call. */
  ensureRanks(): void {
    if (this.#unranked.length === 0) return
    const fresh: number[] = []
    for (let i = 0; i < this.#unranked.length; i += 2) {
      const s = this.#unranked[i]!
      if (this.#stamp[s] === this.#unranked[i + 1]) fresh.push(s)
    }
    this.#unranked = []
    fresh.sort((a, b) => this.compare(a, b))
    const order = new Int32Array(this.#orderLen + fresh.length)
    const stamps = new Int32Array(order.length)
    let n = 0
    let i = 0
    let j = 0
    // Merge the old order (skipping released or reused slots) with the sorted new series.
    for (;;) {
      while (i < this.#orderLen && this.#stamp[this.#order[i]!] !== this.#orderStamp[i]) i++
      const hasOld = i < this.#orderLen
      if (!hasOld && j === fresh.length) break
      const takeOld = hasOld && (j === fresh.length || this.compare(this.#order[i]!, fresh[j]!) < 0)
      const s = takeOld ? this.#order[i++]! : fresh[j++]!
      order[n] = s
      stamps[n] = this.#stamp[s]!
      this.rank[s] = n++
    }
    this.#order = order
    this.#orderStamp = stamps
    this.#orderLen = n
  }

  /** Series in the key order (after `ensureRanks`: every live series). */
  get rankedCount(): number {
    return this.#orderLen
  }

  /** Series at a rank (after `ensureRanks`). */
  atRank(r: number): number {
    return this.#order[r]!
  }

  /** Key order: tenant, then labelsKey, by UTF-16 code units (as `tenant NUL labelsKey` sorts). */
  compare(a: number, b: number): number {
    const ta = this.tenantOf[a]!
    const tb = this.tenantOf[b]!
    if (ta !== tb) return ta < tb ? -1 : 1
    const la = this.labelsOf[a]!
    const lb = this.labelsOf[b]!
    return la < lb ? -1 : la > lb ? 1 : 0
  }

  #tenantMap(tenant: string): Map<string, number> {
    let byLabels = this.#byTenant.get(tenant)
    if (byLabels === undefined) {
      byLabels = new Map()
      this.#byTenant.set(tenant, byLabels)
    }
    return byLabels
  }

  #register(tenant: string, labels: string, byLabels: Map<string, number>): number {
    const s = this.#free.pop() ?? this.#top++
    if (s >= this.open.length) this.#grow(Math.max(64, this.open.length * 2))
    this.tenantOf[s] = tenant
    this.labelsOf[s] = labels
    this.open[s] = 0
    this.maxTs[s] = Number.NEGATIVE_INFINITY
    this.minTs[s] = Number.POSITIVE_INFINITY
    this.sampleClass[s] = -1
    this.sampleLen[s] = 0
    const stamp = this.#nextStamp++
    this.#stamp[s] = stamp
    this.#unranked.push(s, stamp)
    byLabels.set(labels, s)
    return s
  }

  #grow(n: number): void {
    this.open = growInt32(this.open, n, 0)
    this.maxTs = growFloat64(this.maxTs, n)
    this.minTs = growFloat64(this.minTs, n)
    const cls = new Int8Array(n).fill(-1)
    cls.set(this.sampleClass)
    this.sampleClass = cls
    this.sampleBlock = growInt32(this.sampleBlock, n, 0)
    this.sampleLen = growInt32(this.sampleLen, n, 0)
    this.#stamp = growInt32(this.#stamp, n, 0)
    this.rank = growInt32(this.rank, n, 0)
  }

  /** Moves series s's samples to a block of class c (allocating it). */
  #moveTo(s: number, c: number): void {
    if (c >= CLASSES) throw new RangeError(`a series holds more than ${2 << (CLASSES - 1)} samples`)
    const block = this.#alloc(c)
    const n = this.sampleLen[s]!
    if (n > 0) {
      const from = this.arena(s)
      const at = this.base(s)
      const to = this.#chunks[c]![(block / BLOCKS[c]!) | 0]!
      to.set(from.subarray(at, at + n * SAMPLE), (block % BLOCKS[c]!) * ((2 << c) * SAMPLE))
    }
    this.#freeBlock(s)
    this.sampleClass[s] = c
    this.sampleBlock[s] = block
  }

  #alloc(c: number): number {
    const free = this.#arenaFree[c]!
    if (free.length > 0) return free.pop()!
    const block = this.#arenaTop[c]!++
    if (block % BLOCKS[c]! === 0) this.#chunks[c]!.push(new Float64Array(BLOCKS[c]! * (2 << c) * SAMPLE))
    return block
  }

  #freeBlock(s: number): void {
    const c = this.sampleClass[s]!
    this.sampleClass[s] = -1
    if (c < 0) return
    const free = this.#arenaFree[c]!
    free.push(this.sampleBlock[s]!)
    // Series grow through the classes in step, so a class often empties whole: give its memory back.
    if (free.length === this.#arenaTop[c]) {
      this.#chunks[c] = []
      this.#arenaTop[c] = 0
      free.length = 0
    }
  }

  #freeSamples(s: number): void {
    this.#freeBlock(s)
    this.sampleLen[s] = 0
    this.maxTs[s] = Number.NEGATIVE_INFINITY
    this.minTs[s] = Number.POSITIVE_INFINITY
  }
}

const EMPTY = new Float64Array(0)
/** Blocks per chunk by class: chunks of ~256 KB (at least one block). */
const BLOCKS = Array.from({ length: CLASSES }, (_, c) => Math.max(1, Math.floor(32768 / ((2 << c) * SAMPLE))))

function classFor(n: number): number {
  let c = 0
  while (2 << c < n) c++
  return c
}

export function growInt32(a: Int32Array, n: number, fill: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(n)
  if (fill !== 0) grown.fill(fill)
  grown.set(a)
  return grown
}

export function growFloat64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(n)
  grown.set(a)
  return grown
}
