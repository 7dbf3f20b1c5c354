/** Smallest positive normal double; below it `Math.log` loses the precision the mapping needs. */
const MIN_NORMAL = 2.2250738585072014e-308

/**
 * The logarithmic bucket mapping of a DDSketch with relative accuracy α: γ = (1+α)/(1−α), bucket
 * `i = ⌈log_γ v⌉` holds (γ^(i−1), γ^i], and its representative 2γ^i/(γ+1) is within α of every
 * value in it (both ends are off by exactly α). Immutable; shared by every sketch with the same α.
 */
export class LogMapping {
  readonly relativeAccuracy: number
  readonly gamma: number
  /** 1 / ln γ: `index` is one multiply and one `Math.log`. */
  readonly #multiplier: number
  readonly #lnGamma: number
  /** ln(2/(γ+1)), so the representative is computed in log space and cannot overflow early. */
  readonly #lnFactor: number
  /** Values of smaller magnitude (subnormals) are counted as zero. */
  readonly minIndexableValue: number
  /** No valid bucket index has a larger magnitude (decode checks stores against it). */
  readonly indexLimit: number

  constructor(relativeAccuracy: number) {
    this.relativeAccuracy = relativeAccuracy
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    this.#lnGamma = Math.log(this.gamma)
    this.#multiplier = 1 / this.#lnGamma
    this.#lnFactor = Math.log(2 / (this.gamma + 1))
    this.minIndexableValue = MIN_NORMAL * this.gamma
    this.indexLimit =
      Math.max(Math.abs(this.index(this.minIndexableValue)), Math.abs(this.index(Number.MAX_VALUE))) + 1
  }

  /** Bucket of a positive value ≥ `minIndexableValue`. */
  index(v: number): number {
    return Math.ceil(Math.log(v) * this.#multiplier)
  }

  /** The value reported for bucket `i`, clamped to the largest finite double. */
  value(i: number): number {
    return Math.min(Math.exp(i * this.#lnGamma + this.#lnFactor), Number.MAX_VALUE)
  }
}

let lastMapping: LogMapping | undefined

/** The mapping for α, reusing the previous one when α is the same (sketches are made by the thousand). */
export function logMapping(relativeAccuracy: number): LogMapping {
  if (lastMapping?.relativeAccuracy !== relativeAccuracy) lastMapping = new LogMapping(relativeAccuracy)
  return lastMapping
}
