import { BatchFormatError, BinaryReader, BinaryWriter } from '../../../core/batch/binary.js'
import { Aggregate } from '../../aggregates/index.js'
import type { AggregateOptions, AggregateResult } from '../../aggregates/index.js'
import type { AccumulatorKind, WindowAccumulator } from '../../windows/index.js'

export const RED_ACCUMULATOR_FORMAT_VERSION = 1
const RED_ACCUMULATOR_KIND = 1

/**
 * The window core hands an accumulator one number per record, so a span travels as its duration in
 * ms with its error flag in the sign bit: an error span of duration d is −d (−0 for a zero
 * duration). Negation is exact, so the duration survives bit for bit. Durations must be ≥ 0 (the
 * operator clamps negative ones).
 */
export function encodeRedSample(durationMs: number, isError: boolean): number {
  return isError ? -durationMs : durationMs
}

/** The inverse of `encodeRedSample`. */
export function decodeRedSample(value: number): { readonly durationMs: number; readonly isError: boolean } {
  const isError = value < 0 || Object.is(value, -0)
  return { durationMs: isError ? -value : value, isError }
}

/**
 * What a RED window keeps: an `Aggregate` over span durations in ms (count, sum, min, max, last,
 * mean, and p50/p90/p99 when the options carry a sketch) plus the number of error spans. Mergeable
 * (both parts are), so it fits the window core's `WindowAccumulator` seam.
 *
 * Binary form (versioned; `encode(decode(bytes))` gives `bytes` back):
 * ```
 * u8 version = 1   u8 kind = 1   uvarint errors   the Aggregate's encoding (docs/aggregates.md)
 * ```
 */
export class RedAccumulator implements WindowAccumulator<RedAccumulator> {
  #duration: Aggregate
  #errors = 0

  /** `options` are shared, not copied: pass one object to every accumulator of a job. */
  constructor(options: AggregateOptions) {
    this.#duration = new Aggregate(options)
  }

  /** Spans with status ERROR. */
  get errors(): number {
    return this.#errors
  }

  /** `value` is a sample made by `encodeRedSample`. */
  add(ts: number, value: number): void {
    const { durationMs, isError } = decodeRedSample(value)
    this.#duration.add(ts, durationMs)
    if (isError) this.#errors++
  }

  merge(other: RedAccumulator): void {
    this.#duration.merge(other.#duration)
    this.#errors += other.#errors
  }

  /** The duration aggregate: `count` is the number of spans. */
  result(): AggregateResult {
    return this.#duration.result()
  }

  encode(): Uint8Array {
    const aggregate = this.#duration.encode()
    const w = new BinaryWriter(12 + aggregate.byteLength)
    w.u8(RED_ACCUMULATOR_FORMAT_VERSION)
    w.u8(RED_ACCUMULATOR_KIND)
    w.uvarint(this.#errors)
    w.raw(aggregate)
    return w.finish()
  }

  /** Never throws: bad bytes give `{ ok: false, reason }`. */
  static decode(
    bytes: Uint8Array,
  ): { readonly ok: true; readonly value: RedAccumulator } | { readonly ok: false; readonly reason: string } {
    let errors: number
    let rest: Uint8Array
    try {
      const r = new BinaryReader(bytes)
      const version = r.u8()
      if (version !== RED_ACCUMULATOR_FORMAT_VERSION)
        throw new BatchFormatError(`unsupported version ${version}`)
      const kind = r.u8()
      if (kind !== RED_ACCUMULATOR_KIND) throw new BatchFormatError(`kind ${kind} is not a RED accumulator`)
      errors = r.uvarint()
      rest = bytes.subarray(r.pos)
    } catch (err) {
      return { ok: false, reason: `malformed RED accumulator: ${(err as Error).message}` }
    }
    const duration = Aggregate.decode(rest)
    if (!duration.ok) return { ok: false, reason: `malformed RED accumulator: ${duration.reason}` }
    if (errors > duration.value.count) {
      return {
        ok: false,
        reason: `malformed RED accumulator: ${errors} errors in ${duration.value.count} spans`,
      }
    }
    const acc = new RedAccumulator({})
    acc.#duration = duration.value
    acc.#errors = errors
    return { ok: true, value: acc }
  }
}

/**
 * Windows keep `RedAccumulator`s. Pass the options once: every accumulator shares the object.
 * `decode` throws on bad bytes (the window core restores whole snapshots, already checksummed).
 */
export function redAccumulatorKind(options: AggregateOptions): AccumulatorKind<RedAccumulator> {
  return {
    create: () => new RedAccumulator(options),
    encode: (acc) => acc.encode(),
    decode(bytes) {
      const res = RedAccumulator.decode(bytes)
      if (!res.ok) throw new Error(`cannot restore a RED window: ${res.reason}`)
      return res.value
    },
  }
}
