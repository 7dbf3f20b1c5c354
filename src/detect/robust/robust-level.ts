import type { StateLayout } from '../state-layout.js'

export interface RobustLevelConfig {
  /** Weight of a new point in the exponentially weighted level and scale (0, 1]. */
  readonly alpha: number
  /** Residuals beyond `huberK` scales are clipped before they move the level (Huber). */
  readonly huberK: number
}

/**
 * The robust level/scale detector: an exponentially weighted Huber M-estimate of the series' level
 * and of its residual scale (the online counterpart of median/MAD: a spike moves neither by more
 * than `huberK` scales). `z` is the point's residual in scales. State: 2 numbers.
 */
export class RobustLevel {
  readonly #level: number
  readonly #variance: number

  constructor(
    layout: StateLayout,
    private readonly config: RobustLevelConfig,
  ) {
    this.#level = layout.reserve('robust.level')
    this.#variance = layout.reserve('robust.variance')
  }

  level(s: Float64Array, base: number): number {
    return s[base + this.#level]!
  }

  scale(s: Float64Array, base: number): number {
    const level = s[base + this.#level]!
    // A floor relative to the level keeps a constant series from dividing by zero.
    return Math.sqrt(s[base + this.#variance]!) + 1e-9 * (Math.abs(level) + 1)
  }

  /** The residual of `value` in scales, before `update`. */
  z(s: Float64Array, base: number, value: number): number {
    return (value - s[base + this.#level]!) / this.scale(s, base)
  }

  /** Learns from a point; `count` is the series' point count including it. */
  update(s: Float64Array, base: number, value: number, count: number): void {
    if (count === 1) {
      s[base + this.#level] = value
      s[base + this.#variance] = 0
      return
    }
    const alpha = Math.max(this.config.alpha, 1 / count)
    let r = value - s[base + this.#level]!
    if (count > 10) {
      const limit = this.config.huberK * this.scale(s, base)
      r = r > limit ? limit : r < -limit ? -limit : r
    }
    s[base + this.#level] = s[base + this.#level]! + alpha * r
    s[base + this.#variance] = (1 - alpha) * s[base + this.#variance]! + alpha * r * r
  }

  /** Moves the level (the change-point detector re-baselines after a persistent shift). */
  rebase(s: Float64Array, base: number, level: number): void {
    s[base + this.#level] = level
  }
}
