import { BatchFormatError, BinaryWriter } from '../../core/batch/binary.js'
import type { BinaryReader } from '../../core/batch/binary.js'
import { decodeWith, readHeader, writeHeader } from './decode-result.js'
import type { DecodeResult } from './decode-result.js'
import {
  DEFAULT_MAX_BUCKETS,
  DEFAULT_RELATIVE_ACCURACY,
  QuantileSketch,
  SketchError,
  validateSketchOptions,
} from './quantile-sketch.js'
import type { SketchOptions } from './quantile-sketch.js'

/**
 * Window aggregates of one (key, window): count, sum, min, max, last, mean and, when asked for,
 * p50/p90/p99 from a QuantileSketch.
 *
 * - `last` is the value of the sample with the latest event time; on a tie the sample added later
 *   wins, and `merge(other)` treats other's samples as added after this one's. Everything else is
 *   order-independent (`sum` up to floating-point addition order).
 * - NaN values (e.g. Prometheus stale markers) are skipped and counted in `nanCount`: they would
 *   poison sum, min and max. ±Infinity are ordinary values (sum may become ±Inf or NaN).
 * - A sample with a NaN timestamp is `last` only until a sample with a real timestamp arrives.
 *
 * Memory: a plain object of nine fields (measured ~100 bytes on Node 20 x64 with its boxed
 * doubles); the sketch is created on the first non-NaN sample and only when quantiles are on
 * (about 200 bytes plus 8 bytes per bucket spanned, at most 2 × 8 × maxBuckets; ~1–4 KB for
 * typical latencies at α = 1 %).
 *
 * Structurally a `WindowAccumulator<Aggregate>` (engine/windows): `add(ts, value)`, `merge(other)`.
 */
export const AGGREGATE_FORMAT_VERSION = 1
const AGGREGATE_KIND = 2
const HAS_SKETCH_OPTIONS = 1

export interface AggregateOptions {
  /** Keep a quantile sketch with these options (p50/p90/p99 are NaN without one). */
  readonly sketch?: SketchOptions
}

export interface AggregateResult {
  readonly count: number
  readonly sum: number
  readonly min: number
  readonly max: number
  readonly last: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
}

/**
 * The scalar fields of an aggregate without a sketch, as plain numbers: what columnar window state
 * (the rollup operator's tumbling fast path) keeps per window instead of an Aggregate object.
 */
export interface AggregateState {
  readonly count: number
  readonly nanCount: number
  readonly sum: number
  readonly min: number
  readonly max: number
  readonly lastTs: number
  readonly last: number
}

export class Aggregate {
  #count = 0
  #nanCount = 0
  #sum = 0
  #min = Infinity
  #max = -Infinity
  #lastTs = -Infinity
  #last = NaN
  /** Shared by every aggregate of one kind; null when quantiles are off. */
  readonly #sketchOptions: SketchOptions | null
  #sketch: QuantileSketch | null = null

  /**
   * Throws SketchError (code `sketch_options`) on bad sketch options. Pass the same options object
   * to every aggregate of a kind: it is shared, not copied.
   */
  constructor(options: AggregateOptions = {}) {
    const sketch = options.sketch
    if (sketch !== undefined) validateSketchOptions(sketch)
    this.#sketchOptions = sketch ?? null
  }

  get count(): number {
    return this.#count
  }
  get nanCount(): number {
    return this.#nanCount
  }
  get sum(): number {
    return this.#sum
  }
  /** The sketch, if quantiles are on and a sample arrived; read-only use. */
  get sketch(): QuantileSketch | null {
    return this.#sketch
  }

  add(ts: number, value: number): void {
    if (value !== value) {
      this.#nanCount++
      return
    }
    this.#count++
    this.#sum += value
    if (value < this.#min) this.#min = value
    if (value > this.#max) this.#max = value
    // A NaN timestamp only stands in until a real one arrives (NaN compares false).
    if (ts >= this.#lastTs || this.#count === 1 || this.#lastTs !== this.#lastTs) {
      this.#lastTs = ts
      this.#last = value
    }
    if (this.#sketchOptions !== null) (this.#sketch ??= new QuantileSketch(this.#sketchOptions)).add(value)
  }

  /** Adds `values[i]` at `ts[i]` for i in [from, to); no allocation per sample. */
  addMany(ts: Float64Array, values: Float64Array, from = 0, to = values.length): void {
    for (let i = from; i < to; i++) this.add(ts[i]!, values[i]!)
  }

  /**
   * Folds `other` in (it is not changed), as if its samples were added after this one's. Throws
   * SketchError (code `aggregate_sketch_mismatch`) when only one side keeps quantiles, or
   * (`sketch_accuracy_mismatch`) when their accuracies differ.
   */
  merge(other: Aggregate): void {
    if ((this.#sketchOptions === null) !== (other.#sketchOptions === null))
      throw new SketchError(
        'Cannot merge aggregates where only one keeps a quantile sketch.',
        'aggregate_sketch_mismatch',
      )
    this.#nanCount += other.#nanCount
    if (other.#count === 0) return
    if (other.#lastTs >= this.#lastTs || this.#count === 0 || this.#lastTs !== this.#lastTs) {
      this.#lastTs = other.#lastTs
      this.#last = other.#last
    }
    this.#count += other.#count
    this.#sum += other.#sum
    if (other.#min < this.#min) this.#min = other.#min
    if (other.#max > this.#max) this.#max = other.#max
    if (other.#sketch !== null)
      (this.#sketch ??= new QuantileSketch(this.#sketchOptions!)).merge(other.#sketch)
  }

  /** The window result; min, max, last, mean and quantiles are NaN when no sample was added. */
  result(): AggregateResult {
    const empty = this.#count === 0
    const s = this.#sketch
    return {
      count: this.#count,
      sum: this.#sum,
      min: empty ? NaN : this.#min,
      max: empty ? NaN : this.#max,
      last: empty ? NaN : this.#last,
      mean: empty ? NaN : this.#sum / this.#count,
      p50: s === null ? NaN : s.quantile(0.5),
      p90: s === null ? NaN : s.quantile(0.9),
      p99: s === null ? NaN : s.quantile(0.99),
    }
  }

  /** The scalar fields (`fromState` inverts it); the sketch, if any, is not part of it. */
  state(): AggregateState {
    return {
      count: this.#count,
      nanCount: this.#nanCount,
      sum: this.#sum,
      min: this.#min,
      max: this.#max,
      lastTs: this.#lastTs,
      last: this.#last,
    }
  }

  /** An aggregate without quantiles holding exactly `s`; encodes like one built by `add`. */
  static fromState(s: AggregateState): Aggregate {
    const a = new Aggregate()
    a.#count = s.count
    a.#nanCount = s.nanCount
    a.#sum = s.sum
    a.#min = s.min
    a.#max = s.max
    a.#lastTs = s.lastTs
    a.#last = s.last
    return a
  }

  clone(): Aggregate {
    const copy = new Aggregate(this.#sketchOptions === null ? {} : { sketch: this.#sketchOptions })
    copy.merge(this)
    return copy
  }

  /** The versioned binary form (layout in docs/aggregates.md). */
  encode(): Uint8Array {
    const w = new BinaryWriter(this.#count === 0 ? 16 : 64)
    writeHeader(w, AGGREGATE_FORMAT_VERSION, AGGREGATE_KIND)
    const options = this.#sketchOptions
    w.u8(options === null ? 0 : HAS_SKETCH_OPTIONS)
    w.uvarint(this.#count)
    w.uvarint(this.#nanCount)
    // The sketch options are written even before a sketch exists, so a restored empty aggregate
    // still keeps quantiles.
    if (options !== null) {
      w.f64(options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY)
      w.uvarint(options.maxBuckets ?? DEFAULT_MAX_BUCKETS)
    }
    if (this.#count === 0) return w.finish()
    w.f64(this.#sum)
    w.f64(this.#min)
    w.f64(this.#max)
    w.f64(this.#lastTs)
    w.f64(this.#last)
    this.#sketch?.writeTo(w)
    return w.finish()
  }

  /** Reads bytes written by `encode`. Never throws: bad bytes give `{ ok: false, reason }`. */
  static decode(bytes: Uint8Array): DecodeResult<Aggregate> {
    return decodeWith('aggregate', bytes, (r) => Aggregate.#read(r))
  }

  static #read(r: BinaryReader): Aggregate {
    readHeader(r, AGGREGATE_FORMAT_VERSION, AGGREGATE_KIND, 'an aggregate')
    const flags = r.u8()
    if (flags > HAS_SKETCH_OPTIONS) throw new BatchFormatError(`unknown flags ${flags}`)
    const count = r.uvarint()
    const nanCount = r.uvarint()
    let options: AggregateOptions = {}
    if (flags === HAS_SKETCH_OPTIONS) {
      const sketch = { relativeAccuracy: r.f64(), maxBuckets: r.uvarint() }
      try {
        validateSketchOptions(sketch)
      } catch (err) {
        throw new BatchFormatError((err as Error).message)
      }
      options = { sketch }
    }
    const a = new Aggregate(options)
    a.#count = count
    a.#nanCount = nanCount
    if (count === 0) return a
    a.#sum = r.f64()
    a.#min = r.f64()
    a.#max = r.f64()
    a.#lastTs = r.f64()
    a.#last = r.f64()
    if (!(a.#min <= a.#max)) throw new BatchFormatError(`min ${a.#min} is not ≤ max ${a.#max}`)
    if (a.#sketchOptions === null) return a
    const sketch = QuantileSketch.readFrom(r)
    if (sketch.count !== count)
      throw new BatchFormatError(`sketch of ${sketch.count} values in an aggregate of ${count}`)
    if (sketch.relativeAccuracy !== options.sketch?.relativeAccuracy)
      throw new BatchFormatError('sketch accuracy differs from the aggregate options')
    a.#sketch = sketch
    return a
  }
}
