import { PipelineError } from '../../core/index.js'
import { BatchFormatError, BinaryWriter } from '../../core/batch/binary.js'
import type { BinaryReader } from '../../core/batch/binary.js'
import { BucketStore } from './bucket-store.js'
import { decodeWith, readHeader, writeHeader } from './decode-result.js'
import type { DecodeResult } from './decode-result.js'
import { logMapping } from './log-mapping.js'
import type { LogMapping } from './log-mapping.js'

/**
 * A mergeable quantile sketch in the style of DDSketch (Masson, Rim, Lee; VLDB 2019).
 *
 * Why hand-written: quantiles of latencies are core to the product, and window state needs a sketch
 * that merges exactly (sessions merge, partial aggregates combine), has a hard memory bound, and
 * has a compact, versioned binary form for checkpoints. The npm sketches we know of miss at least
 * one of these (t-digest merges are approximate and order-dependent; KLL is randomised).
 *
 * Guarantee: with relative accuracy α, `quantile(q)` returns a value within α·|x| of x, the element
 * of 0-based rank ⌊q·(n−1)⌋ of the n values added (sorted ascending, NaN excluded), up to
 * floating-point rounding (~1e-13 relative), provided x does not lie in a collapsed bucket (below).
 * q = 0 and q = 1 return the exact min and max.
 *
 * Values: positives go to a log-bucketed store, negatives to a second one keyed by −index(|v|)
 * (so both stores are ordered by value), 0 and magnitudes below ~2.2e-308 (subnormals) to a zero
 * count, ±Infinity to two counts of their own (a rank landing there answers ±Infinity, exactly).
 * NaN is ignored and counted in `nanCount`. `sum` follows IEEE arithmetic (+Inf and −Inf give NaN).
 *
 * Memory: each store spans at most `maxBuckets` consecutive buckets (8 bytes each). With α = 0.01
 * and 2048 buckets one store spans a ratio of γ^2048 ≈ 6·10^17 between its largest and smallest
 * value, so collapsing needs data from, say, nanoseconds to centuries. When it happens the
 * smallest values (smallest positives; most negative negatives) fold into the lowest remaining
 * bucket: low quantiles whose rank lands there are overestimated, high quantiles stay within α.
 */
export const SKETCH_FORMAT_VERSION = 1
export const DEFAULT_RELATIVE_ACCURACY = 0.01
export const DEFAULT_MAX_BUCKETS = 2048
/** Second byte of an encoded sketch; aggregates use 2. */
const SKETCH_KIND = 1

const MIN_ACCURACY = 1e-6
const MAX_ACCURACY = 0.5
const MIN_BUCKETS = 8
const MAX_BUCKETS = 65536

export interface SketchOptions {
  /** α in [1e-6, 0.5]; default 0.01 (1 %). */
  readonly relativeAccuracy?: number
  /** Buckets per store (positives, negatives), an integer in [8, 65536]; default 2048. */
  readonly maxBuckets?: number
}

/** Thrown on a bad option or on merging sketches of different α: a programming error. */
export class SketchError extends PipelineError {
  constructor(message: string, code: string) {
    super(message, { code, domain: 'internal', retryable: false })
  }
}

/** Throws SketchError (code `sketch_options`) when an option is outside its range. */
export function validateSketchOptions(options: SketchOptions): void {
  const problem = checkOptions(
    options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY,
    options.maxBuckets ?? DEFAULT_MAX_BUCKETS,
  )
  if (problem !== undefined) throw new SketchError(`Quantile sketch: ${problem}.`, 'sketch_options')
}

function checkOptions(alpha: number, maxBuckets: number): string | undefined {
  if (!(alpha >= MIN_ACCURACY && alpha <= MAX_ACCURACY))
    return `relative accuracy ${alpha} is outside [${MIN_ACCURACY}, ${MAX_ACCURACY}]`
  if (!Number.isInteger(maxBuckets) || maxBuckets < MIN_BUCKETS || maxBuckets > MAX_BUCKETS)
    return `maxBuckets ${maxBuckets} is not an integer in [${MIN_BUCKETS}, ${MAX_BUCKETS}]`
  return undefined
}

export class QuantileSketch {
  readonly #mapping: LogMapping
  readonly maxBuckets: number
  #positive: BucketStore
  /** Created on the first negative value; most metrics never have one. */
  #negative: BucketStore | null = null
  #zeroCount = 0
  #negInfCount = 0
  #posInfCount = 0
  #nanCount = 0
  #count = 0
  #sum = 0
  #min = Infinity
  #max = -Infinity

  /** Throws SketchError (code `sketch_options`) on an option outside its range. */
  constructor(options: SketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY
    const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS
    validateSketchOptions(options)
    this.#mapping = logMapping(alpha)
    this.maxBuckets = maxBuckets
    this.#positive = new BucketStore(maxBuckets)
  }

  get relativeAccuracy(): number {
    return this.#mapping.relativeAccuracy
  }
  /** Values added, NaN excluded. */
  get count(): number {
    return this.#count
  }
  get nanCount(): number {
    return this.#nanCount
  }
  /** Sum of the values added (0 when empty). */
  get sum(): number {
    return this.#sum
  }
  /** Exact smallest value; NaN when empty. */
  get min(): number {
    return this.#count === 0 ? NaN : this.#min
  }
  /** Exact largest value; NaN when empty. */
  get max(): number {
    return this.#count === 0 ? NaN : this.#max
  }

  add(v: number): void {
    const m = this.#mapping
    if (v > 0) {
      if (v === Infinity) this.#posInfCount++
      else if (v >= m.minIndexableValue) this.#positive.add(m.index(v))
      else this.#zeroCount++
    } else if (v < 0) {
      if (v === -Infinity) this.#negInfCount++
      else if (v <= -m.minIndexableValue)
        (this.#negative ??= new BucketStore(this.maxBuckets)).add(0 - m.index(-v)) // 0 - i, not -i: no -0 bucket
      else this.#zeroCount++
    } else if (v === 0) {
      this.#zeroCount++
    } else {
      this.#nanCount++
      return
    }
    this.#count++
    this.#sum += v
    if (v < this.#min) this.#min = v
    if (v > this.#max) this.#max = v
  }

  /** Adds `values[from..to)`; the hot path, with no allocation per value. */
  addMany(values: Float64Array, from = 0, to = values.length): void {
    for (let i = from; i < to; i++) this.add(values[i]!)
  }

  /**
   * Folds `other` in; afterwards this sketch answers exactly as one sketch of both inputs would
   * (same buckets, counts, min and max; `sum` up to addition order). `other` is not changed.
   * Throws SketchError (code `sketch_accuracy_mismatch`) when the relative accuracies differ.
   * With a smaller `maxBuckets` than `other`, this sketch's bound applies to the result.
   */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy)
      throw new SketchError(
        `Cannot merge a quantile sketch of relative accuracy ${other.relativeAccuracy} into one of ${this.relativeAccuracy}.`,
        'sketch_accuracy_mismatch',
      )
    const src = other === this ? other.clone() : other
    if (src.#count === 0) {
      this.#nanCount += src.#nanCount
      return
    }
    this.#positive.mergeFrom(src.#positive)
    if (src.#negative !== null) (this.#negative ??= new BucketStore(this.maxBuckets)).mergeFrom(src.#negative)
    this.#zeroCount += src.#zeroCount
    this.#negInfCount += src.#negInfCount
    this.#posInfCount += src.#posInfCount
    this.#nanCount += src.#nanCount
    this.#count += src.#count
    this.#sum += src.#sum
    if (src.#min < this.#min) this.#min = src.#min
    if (src.#max > this.#max) this.#max = src.#max
  }

  /**
   * The value at quantile q ∈ [0, 1] (see the guarantee above); NaN when empty. Throws a
   * RangeError for q outside [0, 1], which is a programming error.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`)
    const n = this.#count
    if (n === 0) return NaN
    const rank = Math.floor(q * (n - 1))
    if (rank === 0) return this.#min
    if (rank === n - 1) return this.#max
    let r = rank
    if (r < this.#negInfCount) return -Infinity
    r -= this.#negInfCount
    const neg = this.#negative
    if (neg !== null) {
      if (r < neg.total) return this.#clamp(-this.#mapping.value(-neg.indexAtRank(r)))
      r -= neg.total
    }
    if (r < this.#zeroCount) return this.#clamp(0)
    r -= this.#zeroCount
    if (r < this.#positive.total) return this.#clamp(this.#mapping.value(this.#positive.indexAtRank(r)))
    return Infinity
  }

  clone(): QuantileSketch {
    const copy = new QuantileSketch({ relativeAccuracy: this.relativeAccuracy, maxBuckets: this.maxBuckets })
    copy.#copyFrom(this)
    return copy
  }

  /** `[index, count]` per non-zero bucket of each store (tests compare sketches with it). */
  buckets(): { positive: Array<[number, number]>; negative: Array<[number, number]>; zero: number } {
    return {
      positive: this.#positive.entries(),
      negative: this.#negative?.entries() ?? [],
      zero: this.#zeroCount,
    }
  }

  /** The versioned binary form (layout in docs/aggregates.md); `decode` reads it back exactly. */
  encode(): Uint8Array {
    const w = new BinaryWriter(64)
    this.writeTo(w)
    return w.finish()
  }

  /** Writes the encoding into `w` (aggregates embed a sketch this way). */
  writeTo(w: BinaryWriter): void {
    writeHeader(w, SKETCH_FORMAT_VERSION, SKETCH_KIND)
    w.f64(this.relativeAccuracy)
    w.uvarint(this.maxBuckets)
    w.uvarint(this.#nanCount)
    w.uvarint(this.#zeroCount)
    w.uvarint(this.#negInfCount)
    w.uvarint(this.#posInfCount)
    if (this.#negative === null) w.uvarint(0)
    else this.#negative.writeTo(w)
    this.#positive.writeTo(w)
    if (this.#count === 0) return
    w.f64(this.#sum)
    w.f64(this.#min)
    w.f64(this.#max)
  }

  /** Reads bytes written by `encode`. Never throws: bad bytes give `{ ok: false, reason }`. */
  static decode(bytes: Uint8Array): DecodeResult<QuantileSketch> {
    return decodeWith('quantile sketch', bytes, (r) => QuantileSketch.readFrom(r))
  }

  /** Reads what `writeTo` wrote; throws BatchFormatError on bad bytes (callers use `decode`). */
  static readFrom(r: BinaryReader): QuantileSketch {
    readHeader(r, SKETCH_FORMAT_VERSION, SKETCH_KIND, 'a quantile sketch')
    const alpha = r.f64()
    const maxBuckets = r.uvarint()
    const problem = checkOptions(alpha, maxBuckets)
    if (problem !== undefined) throw new BatchFormatError(problem)
    const s = new QuantileSketch({ relativeAccuracy: alpha, maxBuckets })
    s.#nanCount = r.uvarint()
    s.#zeroCount = r.uvarint()
    s.#negInfCount = r.uvarint()
    s.#posInfCount = r.uvarint()
    const limit = s.#mapping.indexLimit
    const negative = BucketStore.readFrom(r, maxBuckets, limit)
    if (negative.total > 0) s.#negative = negative
    s.#positive = BucketStore.readFrom(r, maxBuckets, limit)
    const count = s.#zeroCount + s.#negInfCount + s.#posInfCount + negative.total + s.#positive.total
    if (!Number.isSafeInteger(count)) throw new BatchFormatError('sketch count exceeds 2^53')
    s.#count = count
    if (count === 0) return s
    s.#sum = r.f64()
    s.#min = r.f64()
    s.#max = r.f64()
    if (!(s.#min <= s.#max)) throw new BatchFormatError(`sketch min ${s.#min} is not ≤ max ${s.#max}`)
    return s
  }

  #clamp(v: number): number {
    return v < this.#min ? this.#min : v > this.#max ? this.#max : v
  }

  #copyFrom(src: QuantileSketch): void {
    this.#positive = src.#positive.clone()
    this.#negative = src.#negative?.clone() ?? null
    this.#zeroCount = src.#zeroCount
    this.#negInfCount = src.#negInfCount
    this.#posInfCount = src.#posInfCount
    this.#nanCount = src.#nanCount
    this.#count = src.#count
    this.#sum = src.#sum
    this.#min = src.#min
    this.#max = src.#max
  }
}
