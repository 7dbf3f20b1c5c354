import type { StateLayout } from '../state-layout.js'

const DAY_MS = 86_400_000

/**
 * What the detectors see of one point (feature extraction, kept apart from the decisions). One
 * instance per detector, overwritten for every point — never one per point.
 */
export class PointFeatures {
  value = 0
  /** value − the previous value (0 for the first point). */
  delta = 0
  /** Position in the UTC day, [0, 1). */
  dayPhase = 0
  /** Points seen on this series including this one. */
  count = 0
  timeMs = 0
}

/** Extracts `PointFeatures` from a series' points; remembers the previous point in the state. */
export class FeatureExtractor {
  readonly #count: number
  readonly #prev: number

  constructor(layout: StateLayout) {
    this.#count = layout.reserve('features.count')
    this.#prev = layout.reserve('features.previous')
  }

  extract(s: Float64Array, base: number, timeMs: number, value: number, out: PointFeatures): void {
    const count = s[base + this.#count]! + 1
    s[base + this.#count] = count
    out.count = count
    out.value = value
    out.timeMs = timeMs
    out.delta = count === 1 ? 0 : value - s[base + this.#prev]!
    s[base + this.#prev] = value
    const inDay = timeMs % DAY_MS
    out.dayPhase = (inDay < 0 ? inDay + DAY_MS : inDay) / DAY_MS
  }
}
