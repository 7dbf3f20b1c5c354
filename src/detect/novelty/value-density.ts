import type { StateLayout } from '../state-layout.js'

export interface ValueDensityConfig {
  /** Equal-width bins over the learned range; values outside fall in two overflow bins. */
  readonly bins: number
  /** The range learned in warm-up is widened by this fraction of its span on each side. */
  readonly margin: number
  /** Per-point decay of the histogram's mass (forgetting: half-life ln 2 / (1 − decay) points). */
  readonly decay: number
  /** Pseudo-count per bin, so an unseen bin has a finite surprise. */
  readonly pseudoCount: number
  /**
   * Weight of each neighbouring bin in a bin's probability (a triangular kernel): a value just past
   * the edge of what the series has taken is not novel for landing in a thinly covered bin.
   */
  readonly smoothing: number
}

const RESCALE_AT = 1e120
const SURPRISE_SCALE = 3

/**
 * The novelty detector: an exponentially decayed histogram of the series' values over a range
 * learned in warm-up. A point's surprise is its surprisal r = −ln p(bin) over ln(mass + bins) (r = 1:
 * as rare as one point in the histogram's whole mass), mapped to [0, 1) by 1 − e^(−3r) without a
 * cap, so the rarest values still rank above merely rare ones (0.95 at r = 1, 0.9975 at r = 2):
 * values the series often takes score near 0, values it never (or no longer) takes near 1. Decay makes a new normal familiar within a few
 * half-lives, and `shift` moves the distribution when the change-point detector re-baselines.
 *
 * Decay is applied lazily: masses are stored multiplied by a unit that grows by 1/decay per point
 * (rescaled before it overflows), so an update touches one bin, not all of them.
 * State: 4 + bins + 2 numbers.
 */
export class ValueDensity {
  readonly #low: number
  readonly #width: number
  readonly #unit: number
  readonly #mass: number
  readonly #bins: number
  readonly #slots: number

  constructor(
    layout: StateLayout,
    private readonly config: ValueDensityConfig,
  ) {
    this.#slots = config.bins + 2
    this.#low = layout.reserve('novelty.low')
    this.#width = layout.reserve('novelty.width')
    this.#unit = layout.reserve('novelty.unit')
    this.#mass = layout.reserve('novelty.mass')
    this.#bins = layout.reserve('novelty.bins', this.#slots)
  }

  /** Whether `fit` ran (the range is known). */
  fitted(s: Float64Array, base: number): boolean {
    return s[base + this.#width]! > 0
  }

  /** Sets the range from the warm-up's minimum and maximum; the histogram starts empty. */
  fit(s: Float64Array, base: number, min: number, max: number): void {
    let span = max - min
    if (!(span > 0)) span = Math.abs(max) > 0 ? Math.abs(max) : 1
    const low = min - span * this.config.margin
    s[base + this.#low] = low
    s[base + this.#width] = (span * (1 + 2 * this.config.margin)) / this.config.bins
    s[base + this.#unit] = 1
    s[base + this.#mass] = 0
    s.fill(0, base + this.#bins, base + this.#bins + this.#slots)
  }

  #bin(s: Float64Array, base: number, value: number): number {
    const b = Math.floor((value - s[base + this.#low]!) / s[base + this.#width]!)
    // NaN never reaches here (the detector skips it); ±Infinity lands in an overflow bin.
    return b < 0 ? 0 : b >= this.config.bins ? this.config.bins + 1 : b + 1
  }

  /** Effective number of points the histogram holds (decayed). */
  mass(s: Float64Array, base: number): number {
    return s[base + this.#mass]! / s[base + this.#unit]!
  }

  /** The surprise of `value` in [0, 1] (before `add`). */
  surprise(s: Float64Array, base: number, value: number): number {
    const unit = s[base + this.#unit]!
    const total = s[base + this.#mass]! / unit
    const b = this.#bin(s, base, value)
    const at = base + this.#bins + b
    const k = this.config.smoothing
    let inBin = s[at]!
    let norm = 1
    if (k > 0) {
      // Overflow bins (0 and bins + 1) are open-ended: their only neighbour is the edge bin.
      if (b > 0) {
        inBin += k * s[at - 1]!
        norm += k
      }
      if (b < this.#slots - 1) {
        inBin += k * s[at + 1]!
        norm += k
      }
    }
    inBin /= unit * norm
    const pseudo = this.config.pseudoCount
    const p = (inBin + pseudo) / (total + pseudo * this.#slots)
    const r = -Math.log(p) / Math.log(total + this.#slots)
    return 1 - Math.exp(-SURPRISE_SCALE * r)
  }

  add(s: Float64Array, base: number, value: number): void {
    let unit = s[base + this.#unit]!
    const b = base + this.#bins + this.#bin(s, base, value)
    s[b] = s[b]! + unit
    s[base + this.#mass] = s[base + this.#mass]! + unit
    unit /= this.config.decay
    if (unit > RESCALE_AT) {
      for (let i = 0; i < this.#slots; i++) s[base + this.#bins + i] = s[base + this.#bins + i]! / unit
      s[base + this.#mass] = s[base + this.#mass]! / unit
      unit = 1
    }
    s[base + this.#unit] = unit
  }

  /** Translates the learned distribution by `delta` (a re-baseline after a level shift). */
  shift(s: Float64Array, base: number, delta: number): void {
    s[base + this.#low] = s[base + this.#low]! + delta
  }
}
