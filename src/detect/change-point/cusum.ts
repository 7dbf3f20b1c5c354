import type { StateLayout } from '../state-layout.js'

export interface ChangePointConfig {
  /** Allowance per point, in scales: drifts smaller than this never accumulate. */
  readonly k: number
  /** Decision interval: a shift is declared when the cumulative sum passes `h` scales. */
  readonly h: number
  /** Residuals are clipped to ±clip scales, so one spike cannot declare a shift alone. */
  readonly clip: number
  /** Weight of a new point in the fast mean of residuals that becomes the shift. */
  readonly fastAlpha: number
}

/**
 * The change-point / drift detector: a two-sided CUSUM (Page, 1954) on the robust residuals. When
 * the sum passes `h` the series has shifted persistently: `update` returns the shift (a fast mean
 * of recent residuals), the caller re-baselines every model by it, and the sums restart, so a new
 * normal stops alerting instead of alerting forever. State: 3 numbers.
 */
export class ChangePoint {
  readonly #up: number
  readonly #down: number
  readonly #fast: number

  constructor(
    layout: StateLayout,
    private readonly config: ChangePointConfig,
  ) {
    this.#up = layout.reserve('changePoint.up')
    this.#down = layout.reserve('changePoint.down')
    this.#fast = layout.reserve('changePoint.fastResidual')
  }

  /** How far along to a declared shift the series is, in [0, 1]. */
  progress(s: Float64Array, base: number): number {
    const m = Math.max(s[base + this.#up]!, s[base + this.#down]!) / this.config.h
    return m > 1 ? 1 : m
  }

  /**
   * Feeds one residual against the current baseline, in scales (`z`) and in the value's unit;
   * returns the shift when a persistent one is declared, NaN otherwise.
   */
  update(s: Float64Array, base: number, z: number, residual: number): number {
    const c = this.config
    const fast = s[base + this.#fast]! + c.fastAlpha * (residual - s[base + this.#fast]!)
    s[base + this.#fast] = fast
    const zc = z > c.clip ? c.clip : z < -c.clip ? -c.clip : z
    const up = Math.max(0, s[base + this.#up]! + zc - c.k)
    const down = Math.max(0, s[base + this.#down]! - zc - c.k)
    if (up > c.h || down > c.h) {
      s[base + this.#up] = 0
      s[base + this.#down] = 0
      return fast
    }
    s[base + this.#up] = up
    s[base + this.#down] = down
    return Number.NaN
  }
}
