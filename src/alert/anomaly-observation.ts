import type { Labels } from '../core/batch/index.js'

/**
 * What the detectors (src/detect) hand to alerting: one scored point of one series. The labels are
 * the series' flat sorted `[name, value, …]` array from the metric batch's series dictionary (with
 * `__name__`), shared, never copied per point.
 */
export interface AnomalyObservation {
  readonly tenant: string
  readonly labels: Labels
  /** Event time of the point (epoch ms). */
  readonly timeMs: number
  /** The detector's (or ensemble's) calibrated score in [0, 1]. */
  readonly score: number
  /** The detector's own decision for this point. */
  readonly isAnomaly: boolean
}
