import type { Labels } from '../../core/batch/index.js'
import { copyBytes } from './copy-bytes.js'
import type { RejectReason } from './decode-result.js'

/**
 * What the protobuf decoder learned about a point's series, keyed by resource, metric and the raw
 * bytes of the point's attributes. OTLP senders export the same series request after request with
 * byte-identical attributes, so a hit skips decoding, sanitising, validating and sorting labels.
 * Mutable on purpose: `epoch`/`index` remember the series' index in the batch being built, so a
 * series costs one `MetricBatchBuilder.series` call per request, not one per point.
 */
export interface CachedSeries {
  /** The point's label set (histogram/summary: the family's base labels); undefined if rejected. */
  readonly labels: Labels | undefined
  readonly reason: RejectReason | undefined
  /** The raw attribute bytes (a copy), to confirm a hash match. */
  readonly raw: Uint8Array
  readonly rawView: DataView
  /** The request in which `index` / `familyIndexes` were interned. */
  epoch: number
  index: number
  /** Histogram and summary: the series a point writes, and the bounds/quantiles they were made for. */
  family: Labels[] | undefined
  familyBounds: Float64Array
  familyHasSum: boolean
  familyHasCounts: boolean
  familyIndexes: number[]
}

export const DEFAULT_MAX_CACHED_SERIES = 100_000

/**
 * The cached series of one metric (resource + name + shape), found by a 32-bit FNV-1a hash of the
 * raw attribute bytes and confirmed by comparing the bytes: no string is made per point. The rare
 * key whose hash is taken by other bytes goes to `#overflow`, keyed by the bytes as latin1 text.
 */
export class MetricSeries {
  readonly key: string
  readonly #byHash = new Map<number, CachedSeries>()
  readonly #overflow = new Map<string, CachedSeries>()

  constructor(key: string) {
    this.key = key
  }

  /** FNV-1a-style over 32-bit words (then the tail bytes): a quarter of the steps of a byte loop. */
  static hash(view: DataView, buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0
    let i = start
    for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193)
    for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193)
    return h ^ (h >>> 15)
  }

  find(view: DataView, buf: Buffer, start: number, end: number, hash: number): CachedSeries | undefined {
    const e = this.#byHash.get(hash)
    if (e === undefined) return undefined
    if (sameBytes(e, view, buf, start, end)) return e
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(buf.toString('latin1', start, end))
  }

  set(buf: Buffer, start: number, end: number, hash: number, entry: CachedSeries): void {
    if (!this.#byHash.has(hash)) this.#byHash.set(hash, entry)
    else this.#overflow.set(buf.toString('latin1', start, end), entry)
  }

  clear(): void {
    this.#byHash.clear()
    this.#overflow.clear()
  }
}

/** Compares 32-bit words, then the tail bytes. */
function sameBytes(e: CachedSeries, view: DataView, buf: Uint8Array, start: number, end: number): boolean {
  const a = e.raw
  const av = e.rawView
  const n = a.length
  if (n !== end - start) return false
  let i = 0
  for (; i + 4 <= n; i += 4) if (av.getInt32(i, true) !== view.getInt32(start + i, true)) return false
  for (; i < n; i++) if (a[i] !== buf[start + i]) return false
  return true
}

/**
 * Bounded: at `maxSeries` entries the cache is emptied and refills with what comes next (cheaper
 * than LRU bookkeeping on the hot path). Roughly (attribute bytes + labels) per entry, ~1 KiB for
 * a series with 10 labels. Not shared between threads; a decode is synchronous, so one cache can
 * serve every request of a receiver in turn.
 */
export class SeriesCache {
  readonly #metrics = new Map<string, MetricSeries>()
  readonly #max: number
  #size = 0
  #epoch = 0

  constructor(maxSeries = DEFAULT_MAX_CACHED_SERIES) {
    this.#max = maxSeries
  }

  get size(): number {
    return this.#size
  }

  /** A new request: indexes interned before are void. */
  nextEpoch(): number {
    return ++this.#epoch
  }

  /** The series of one metric. */
  metric(key: string): MetricSeries {
    let m = this.#metrics.get(key)
    if (m === undefined) {
      m = new MetricSeries(key)
      this.#metrics.set(key, m)
    }
    return m
  }

  /** Caches the series of attribute bytes `buf[start, end)` (hash `hash`) of `metric`. */
  add(
    metric: MetricSeries,
    buf: Buffer,
    start: number,
    end: number,
    hash: number,
    labels: Labels | undefined,
    reason: RejectReason | undefined,
  ): CachedSeries {
    const raw = copyBytes(buf, start, end)
    const entry: CachedSeries = {
      labels,
      reason,
      raw,
      rawView: new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
      epoch: 0,
      index: -1,
      family: undefined,
      familyBounds: EMPTY,
      familyHasSum: false,
      familyHasCounts: false,
      familyIndexes: [],
    }
    if (this.#max <= 0) return entry
    if (this.#size >= this.#max) {
      for (const m of this.#metrics.values()) m.clear()
      this.#metrics.clear()
      this.#metrics.set(metric.key, metric) // the decoder still holds it
      this.#size = 0
    }
    metric.set(buf, start, end, hash, entry)
    this.#size++
    return entry
  }
}

const EMPTY = new Float64Array(0)
