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
  /**
   * When the two overflow bins hold more than this fraction of the mass, the grid is re-fitted over
   * the values the series now takes (0: never). Without it a series that drifted past its warm-up
   * range would pile everything into an overflow bin, where a spike looks like the new normal.
   */
  readonly refitFraction: number
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
 * State: 6 + bins + 2 numbers.
 */
export class ValueDensity {
  readonly #low: number
  readonly #width: number
  readonly #unit: number
  readonly #mass: number
  readonly #overLow: number
  readonly #overHigh: number
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
    this.#overLow = layout.reserve('novelty.overflowLowMean')
    this.#overHigh = layout.reserve('novelty.overflowHighMean')
    this.#bins = layout.reserve('novelty.bins', this.#slots)
  }

  /** Whether `fit` ran (the range is known). */
  fitted(s: Float64Array, base: number): boolean {
    return s[base + this.#width]! > 0
  }

  /**
   * Sets the range from the warm-up's minimum and maximum; the histogram starts empty. `quantum` is
   * the series' resolution (the smallest non-zero step seen in warm-up, 1 for integer counts): bins
   * are never narrower, so a discrete series does not leave empty bins between the values it takes
   * (where a value one step past the usual ones would look unheard of).
   */
  fit(s: Float64Array, base: number, min: number, max: number, quantum: number): void {
    let span = max - min
    if (!(span > 0)) span = Math.abs(max) > 0 ? Math.abs(max) : 1
    const width = Math.max(
      (span * (1 + 2 * this.config.margin)) / this.config.bins,
      quantum > 0 ? quantum : 0,
    )
    // Centre the bins on the warm-up range (a quantum-wide bin grid may be wider than the range).
    const low = (min + max) / 2 - (width * this.config.bins) / 2
    s[base + this.#low] = low
    s[base + this.#width] = width
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
    const bin = this.#bin(s, base, value)
    const b = base + this.#bins + bin
    if (bin === 0 || bin === this.#slots - 1) {
      // The mass-weighted mean of the values in an overflow bin: where its mass sits on a re-fit.
      const at = base + (bin === 0 ? this.#overLow : this.#overHigh)
      const w = unit / (s[b]! + unit)
      s[at] = s[b] === 0 ? value : s[at]! + w * (value - s[at]!)
    }
    s[b] = s[b]! + unit
    s[base + this.#mass] = s[base + this.#mass]! + unit
    unit /= this.config.decay
    if (unit > RESCALE_AT) {
      for (let i = 0; i < this.#slots; i++) s[base + this.#bins + i] = s[base + this.#bins + i]! / unit
      s[base + this.#mass] = s[base + this.#mass]! / unit
      unit = 1
    }
    s[base + this.#unit] = unit
    const f = this.config.refitFraction
    if (f > 0) {
      const over = s[base + this.#bins]! + s[base + this.#bins + this.#slots - 1]!
      if (over > f * s[base + this.#mass]!) this.#refit(s, base)
    }
  }

  /**
   * Re-fits the grid over where the mass now is (the occupied bins and the overflow means), keeping
   * the bin width at least as wide, and moves each old bin's mass to the new bin of its centre.
   */
  #refit(s: Float64Array, base: number): void {
    const bins = this.config.bins
    const low = s[base + this.#low]!
    const width = s[base + this.#width]!
    const centre = (i: number): number =>
      i === 0
        ? s[base + this.#overLow]!
        : i === this.#slots - 1
          ? s[base + this.#overHigh]!
          : low + (i - 0.5) * width
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    const old = new Float64Array(this.#slots)
    for (let i = 0; i < this.#slots; i++) {
      old[i] = s[base + this.#bins + i]!
      if (old[i]! <= 0) continue
      const c = centre(i)
      if (c < min) min = c
      if (c > max) max = c
    }
    if (!(max > min)) return
    const span = max - min
    const newWidth = Math.max((span * (1 + 2 * this.config.margin)) / bins, width)
    const newLow = (min + max) / 2 - (newWidth * bins) / 2
    s[base + this.#low] = newLow
    s[base + this.#width] = newWidth
    s.fill(0, base + this.#bins, base + this.#bins + this.#slots)
    for (let i = 0; i < this.#slots; i++) {
      if (old[i]! <= 0) continue
      const at = base + this.#bins + this.#bin(s, base, centre(i))
      s[at] = s[at]! + old[i]!
    }
  }

  /** Translates the learned distribution by `delta` (a re-baseline after a level shift). */
  shift(s: Float64Array, base: number, delta: number): void {
    s[base + this.#low] = s[base + this.#low]! + delta
  }
}
