import type { StateLayout } from '../state-layout.js'

export interface SuddennessConfig {
  /** Weight of a new point in the fast mean (the series' recent level). */
  readonly fastAlpha: number
  /** Weight of a new point in the mean absolute deviation from that fast mean. */
  readonly deviationAlpha: number
  /** A point `scales` typical deviations from the recent level is fully sudden (factor 1). */
  readonly scales: number
  /** The novelty score is multiplied by factor^power (0 turns the gate off). */
  readonly power: number
}

/**
 * How sudden a point is: its distance from the series' recent level (a fast exponentially weighted
 * mean) in typical deviations, as a factor in [0, 1]. It gates the novelty detector, so a series
 * drifting slowly into values it has not taken (a random walk, a growing disk) is not anomalous at
 * every step, while a jump to the same values is. State: 2 numbers.
 */
export class Suddenness {
  readonly #fast: number
  readonly #deviation: number

  constructor(
    layout: StateLayout,
    private readonly config: SuddennessConfig,
  ) {
    this.#fast = layout.reserve('suddenness.fastMean')
    this.#deviation = layout.reserve('suddenness.deviation')
  }

  /** The factor of `value` (before `update`); 1 while there is no history. */
  factor(s: Float64Array, base: number, value: number, count: number): number {
    if (count <= 1 || this.config.power === 0) return 1
    const deviation = s[base + this.#deviation]!
    const d = Math.abs(value - s[base + this.#fast]!)
    const f = deviation > 0 ? d / (this.config.scales * deviation) : d > 0 ? 1 : 0
    const g = f > 1 ? 1 : f
    return this.config.power === 1 ? g : Math.pow(g, this.config.power)
  }

  update(s: Float64Array, base: number, value: number, count: number): void {
    if (count === 1) {
      s[base + this.#fast] = value
      s[base + this.#deviation] = 0
      return
    }
    const fast = s[base + this.#fast]!
    const c = this.config
    s[base + this.#deviation] =
      s[base + this.#deviation]! + c.deviationAlpha * (Math.abs(value - fast) - s[base + this.#deviation]!)
    s[base + this.#fast] = fast + c.fastAlpha * (value - fast)
  }
}
