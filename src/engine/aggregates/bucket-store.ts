import { BatchFormatError } from '../../core/batch/binary.js'
import type { BinaryReader, BinaryWriter } from '../../core/batch/binary.js'

/** Smallest array a store allocates; it grows by a quarter from here up to `maxBuckets`. */
const MIN_ARRAY = 16

/**
 * Dense bucket counts over a contiguous range of integer bucket indexes, never wider than
 * `maxBuckets`. When a new index would make the range wider, every bucket below the new floor
 * (`highest index seen - maxBuckets + 1`) is folded into the floor bucket: the lowest buckets
 * collapse, the highest are exact. The resulting counts depend only on the multiset of indexes
 * added (bucket `max(i, highest - maxBuckets + 1)` for each index `i`), never on the order or on
 * how adds were split between merged stores, which is what makes sketch merges exact.
 *
 * Memory: one Float64Array of at most `maxBuckets` counts (8 bytes each), allocated on first add
 * and grown by a quarter at a time, so about 8 × 1.25 × (buckets spanned) bytes. Counts are doubles so that merged totals stay exact up to 2^53.
 */
export class BucketStore {
  readonly maxBuckets: number
  #counts: Float64Array | null = null
  /** Bucket index of `#counts[0]`. */
  #offset = 0
  /** Lowest and highest index with a non-zero count; meaningless while `#total` is 0. */
  #min = 0
  #max = 0
  #total = 0

  constructor(maxBuckets: number) {
    this.maxBuckets = maxBuckets
  }

  get total(): number {
    return this.#total
  }

  get minIndex(): number {
    return this.#min
  }

  get maxIndex(): number {
    return this.#max
  }

  /** Adds `count` (a positive integer) at bucket `index`, collapsing the lowest buckets if needed. */
  add(index: number, count = 1): void {
    let i = index
    if (this.#total === 0) {
      this.#ensure(i, i)
      this.#min = this.#max = i
    } else if (i < this.#min) {
      const floor = this.#max - this.maxBuckets + 1
      if (i < floor) i = floor
      if (i < this.#min) {
        this.#ensure(i, this.#max)
        this.#min = i
      }
    } else if (i > this.#max) {
      const floor = i - this.maxBuckets + 1
      if (floor > this.#min) this.#collapseBelow(floor, i)
      else this.#ensure(this.#min, i)
      this.#max = i
    }
    this.#counts![i - this.#offset]! += count
    this.#total += count
  }

  /** The count at bucket `index` (0 outside the range). */
  countAt(index: number): number {
    if (this.#total === 0 || index < this.#min || index > this.#max) return 0
    return this.#counts![index - this.#offset]!
  }

  /** The index of the bucket holding the element of 0-based `rank` (`rank < total`). */
  indexAtRank(rank: number): number {
    const counts = this.#counts!
    let seen = 0
    for (let i = this.#min; i < this.#max; i++) {
      seen += counts[i - this.#offset]!
      if (seen > rank) return i
    }
    return this.#max
  }

  /** Adds every bucket of `other`; highest first, so at most one collapse happens. */
  mergeFrom(other: BucketStore): void {
    if (other.#total === 0) return
    const counts = other.#counts!
    for (let i = other.#max; i >= other.#min; i--) {
      const c = counts[i - other.#offset]!
      if (c !== 0) this.add(i, c)
    }
  }

  clone(): BucketStore {
    const copy = new BucketStore(this.maxBuckets)
    if (this.#counts !== null) copy.#counts = this.#counts.slice()
    copy.#offset = this.#offset
    copy.#min = this.#min
    copy.#max = this.#max
    copy.#total = this.#total
    return copy
  }

  /** `[index, count]` for each non-zero bucket, lowest first (tests and debugging). */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    for (let i = this.#min; this.#total > 0 && i <= this.#max; i++) {
      const c = this.countAt(i)
      if (c !== 0) out.push([i, c])
    }
    return out
  }

  /** uvarint width (0 when empty), then zigzag lowest index and one uvarint count per bucket. */
  writeTo(w: BinaryWriter): void {
    if (this.#total === 0) {
      w.uvarint(0)
      return
    }
    w.uvarint(this.#max - this.#min + 1)
    w.uvarint(zigzag(this.#min))
    const counts = this.#counts!
    for (let i = this.#min; i <= this.#max; i++) w.uvarint(counts[i - this.#offset]!)
  }

  /**
   * Reads what `writeTo` wrote, checking the width against `maxBuckets`, every index against
   * `|index| <= indexLimit` and that both end buckets are non-zero (so the encoding is canonical).
   * Throws BatchFormatError, which the caller's decode turns into a reason.
   */
  static readFrom(r: BinaryReader, maxBuckets: number, indexLimit: number): BucketStore {
    const store = new BucketStore(maxBuckets)
    const width = r.count()
    if (width === 0) return store
    if (width > maxBuckets) throw new BatchFormatError(`store of ${width} buckets exceeds ${maxBuckets}`)
    const min = unzigzag(r.uvarint())
    const max = min + width - 1
    if (min < -indexLimit || max > indexLimit)
      throw new BatchFormatError(`bucket indexes ${min}..${max} outside ±${indexLimit}`)
    const counts = new Float64Array(width)
    let total = 0
    for (let i = 0; i < width; i++) {
      const c = r.uvarint()
      counts[i] = c
      total += c
    }
    if (counts[0] === 0 || counts[width - 1] === 0) throw new BatchFormatError('store has empty end buckets')
    if (!Number.isSafeInteger(total)) throw new BatchFormatError('store total exceeds 2^53')
    store.#counts = counts
    store.#offset = store.#min = min
    store.#max = max
    store.#total = total
    return store
  }

  /** Folds every bucket below `floor` into it and makes the array cover `floor..hi`. */
  #collapseBelow(floor: number, hi: number): void {
    const counts = this.#counts!
    const top = Math.min(floor - 1, this.#max)
    let folded = 0
    for (let i = this.#min; i <= top; i++) {
      folded += counts[i - this.#offset]!
      counts[i - this.#offset] = 0
    }
    this.#min = floor
    if (this.#max < floor) this.#max = floor
    this.#ensure(floor, hi)
    this.#counts![floor - this.#offset]! += folded
  }

  /** Makes the array cover `lo..hi` (at most `maxBuckets` wide), keeping the counts in `#min..#max`. */
  #ensure(lo: number, hi: number): void {
    const old = this.#counts
    if (old !== null && lo >= this.#offset && hi < this.#offset + old.length) return
    const need = hi - lo + 1
    // A quarter more than needed (and at least a quarter more than before): growth is amortised,
    // and a settled store wastes at most a fifth of its array.
    const grown = Math.max(need + (need >> 2), old === null ? 0 : old.length + (old.length >> 2))
    const size = Math.min(Math.max(MIN_ARRAY, (grown + 7) & ~7), this.maxBuckets)
    // Centre the range, so growth in either direction finds room.
    const offset = lo - ((size - need) >> 1)
    const counts = new Float64Array(size)
    if (old !== null && this.#total > 0) {
      const from = Math.max(this.#min, lo, this.#offset)
      const to = Math.min(this.#max, hi, this.#offset + old.length - 1)
      for (let i = from; i <= to; i++) counts[i - offset] = old[i - this.#offset]!
    }
    this.#counts = counts
    this.#offset = offset
  }
}

function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}
