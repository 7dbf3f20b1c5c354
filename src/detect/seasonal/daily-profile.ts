import type { PointFeatures } from '../features/point-features.js'
import type { StateLayout } from '../state-layout.js'

export interface DailyProfileConfig {
  /** Bins per UTC day (24 = hourly); the baseline interpolates linearly between bin centres. */
  readonly bins: number
  /**
   * Weight of one day's points in a bin's mean (each point weighs alpha × interval / bin width, so
   * an anomalous hour moves its bin by about alpha, however often the series is sampled).
   */
  readonly alpha: number
  /**
   * The profile is used only when it explains the series: its mean absolute residual must be below
   * `gate` × that of the flat level, after two full days.
   */
  readonly gate: number
}

const DAY_MS = 86_400_000
/** The residual errors behind the gate average over about two days, so an anomaly cannot close it. */
const ERROR_DAYS = 2

/**
 * The seasonality-aware baseline: a daily profile (the mean per time-of-day bin), with a test of
 * whether the series shows a daily pattern at all. `z` is the residual against the profile in
 * scales of the profile's own residuals, or 0 while the profile does not explain the series better
 * than a flat level. State: bins + 6 numbers.
 */
export class DailyProfile {
  readonly #first: number
  readonly #seasonalError: number
  readonly #flatError: number
  readonly #variance: number
  readonly #seen: number
  readonly #sum: number
  readonly #lastTime: number
  readonly #interval: number
  readonly #profile: number

  constructor(
    layout: StateLayout,
    private readonly config: DailyProfileConfig,
  ) {
    this.#first = layout.reserve('seasonal.firstTimeMs')
    this.#seasonalError = layout.reserve('seasonal.error')
    this.#flatError = layout.reserve('seasonal.flatError')
    this.#variance = layout.reserve('seasonal.variance')
    this.#seen = layout.reserve('seasonal.binsSeen')
    this.#sum = layout.reserve('seasonal.profileSum')
    this.#lastTime = layout.reserve('seasonal.lastTimeMs')
    this.#interval = layout.reserve('seasonal.intervalMs')
    this.#profile = layout.reserve('seasonal.profile', config.bins)
  }

  #baseline(s: Float64Array, base: number, phase: number): number {
    const bins = this.config.bins
    const x = phase * bins - 0.5
    const lo = Math.floor(x)
    const f = x - lo
    const a = s[base + this.#profile + ((lo + bins) % bins)]!
    const b = s[base + this.#profile + ((lo + 1) % bins)]!
    return a + (b - a) * f
  }

  /** Whether the profile currently explains the series (it is then the baseline). */
  active(s: Float64Array, base: number, timeMs: number): boolean {
    return (
      s[base + this.#seen] === this.config.bins &&
      timeMs - s[base + this.#first]! >= 2 * DAY_MS &&
      s[base + this.#seasonalError]! < this.config.gate * s[base + this.#flatError]!
    )
  }

  /** The residual against the profile, value − baseline (NaN when the profile is not active). */
  residual(s: Float64Array, base: number, p: PointFeatures): number {
    if (!this.active(s, base, p.timeMs)) return Number.NaN
    return p.value - this.#baseline(s, base, p.dayPhase)
  }

  /** A residual in scales of the profile's residuals. */
  z(s: Float64Array, base: number, residual: number): number {
    return residual / (Math.sqrt(s[base + this.#variance]!) + 1e-9 * (Math.abs(residual) + 1))
  }

  /**
   * Learns from a point. The flat alternative the profile must beat is the profile's own mean (the
   * daily mean), not a fast level that would follow the daily pattern itself.
   */
  update(s: Float64Array, base: number, p: PointFeatures): void {
    const bins = this.config.bins
    if (p.count === 1) {
      s[base + this.#first] = p.timeMs
      s.fill(Number.NaN, base + this.#profile, base + this.#profile + bins)
      s[base + this.#seen] = 0
      s[base + this.#sum] = 0
      s[base + this.#interval] = 0
    } else {
      const gap = p.timeMs - s[base + this.#lastTime]!
      if (gap > 0) {
        const interval = s[base + this.#interval]!
        s[base + this.#interval] = interval === 0 ? gap : interval + 0.05 * (Math.min(gap, DAY_MS) - interval)
      }
    }
    s[base + this.#lastTime] = p.timeMs
    const interval = s[base + this.#interval]! > 0 ? s[base + this.#interval]! : DAY_MS / bins
    const errorAlpha = Math.min(0.05, interval / (ERROR_DAYS * DAY_MS))
    const bin = base + this.#profile + Math.min(bins - 1, Math.floor(p.dayPhase * bins))
    if (Number.isNaN(s[bin]!)) {
      s[bin] = p.value
      s[base + this.#seen] = s[base + this.#seen]! + 1
      s[base + this.#sum] = s[base + this.#sum]! + p.value
    }
    if (s[base + this.#seen] === bins) {
      const r = p.value - this.#baseline(s, base, p.dayPhase)
      s[base + this.#seasonalError] =
        s[base + this.#seasonalError]! + errorAlpha * (Math.abs(r) - s[base + this.#seasonalError]!)
      s[base + this.#flatError] =
        s[base + this.#flatError]! +
        errorAlpha * (Math.abs(p.value - s[base + this.#sum]! / bins) - s[base + this.#flatError]!)
      s[base + this.#variance] = (1 - errorAlpha) * s[base + this.#variance]! + errorAlpha * r * r
    }
    const step = Math.min(1, (this.config.alpha * interval * bins) / DAY_MS) * (p.value - s[bin]!)
    s[bin] = s[bin]! + step
    s[base + this.#sum] = s[base + this.#sum]! + step
  }

  /** Moves the whole profile by `delta` (re-baseline after a level shift). */
  shift(s: Float64Array, base: number, delta: number): void {
    for (let i = 0; i < this.config.bins; i++)
      s[base + this.#profile + i] = s[base + this.#profile + i]! + delta
    s[base + this.#sum] = s[base + this.#sum]! + delta * this.config.bins
  }
}
