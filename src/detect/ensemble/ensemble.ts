import type { StateLayout } from '../state-layout.js'

export interface EnsembleConfig {
  /** Weight of the novelty detector's surprise. */
  readonly noveltyWeight: number
  /** Weight of the robust level detector; its |z| maps linearly to [0, 1] between `zLow` and `zHigh`. */
  readonly levelWeight: number
  /** Weight of the seasonal baseline's |z| (same mapping). */
  readonly seasonalWeight: number
  readonly zLow: number
  readonly zHigh: number
  /**
   * After a high score, scores that do not exceed the decaying memory of it are multiplied by
   * `suppressionFactor`: one episode reads as one peak, not a plateau of alerts. Memory decays by
   * `suppressionDecay` per point.
   */
  readonly suppressionDecay: number
  readonly suppressionFactor: number
}

/**
 * Combines the detectors' evidence into one calibrated score in [0, 1]: each detector's evidence is
 * mapped to [0, 1] and weighted, the strongest wins (an anomaly needs one detector that is sure, not
 * a vote), then an episode's repeats are damped against the decaying memory of its peak. State: 1.
 */
export class Ensemble {
  readonly #memory: number

  constructor(
    layout: StateLayout,
    private readonly config: EnsembleConfig,
  ) {
    this.#memory = layout.reserve('ensemble.memory')
  }

  #zScore(z: number): number {
    const a = Math.abs(z)
    const { zLow, zHigh } = this.config
    return a <= zLow ? 0 : a >= zHigh ? 1 : (a - zLow) / (zHigh - zLow)
  }

  combine(s: Float64Array, base: number, novelty: number, levelZ: number, seasonalZ: number): number {
    const c = this.config
    let score = c.noveltyWeight * novelty
    const level = c.levelWeight * this.#zScore(levelZ)
    if (level > score) score = level
    const seasonal = c.seasonalWeight * this.#zScore(seasonalZ)
    if (seasonal > score) score = seasonal
    if (score > 1) score = 1
    const memory = s[base + this.#memory]!
    if (score > memory) {
      s[base + this.#memory] = score
    } else {
      score *= c.suppressionFactor
      s[base + this.#memory] = memory * c.suppressionDecay
    }
    return score
  }
}
