/**
 * One scored point of a detected series: the detectors' output for the feature value of one
 * closed window (DESIGN.md §5: a score in [0, 1] per point and a decision), with the evidence.
 * Identified by (tenant, source, key, feature, windowMs, timeMs): the detect stage scores a window
 * once, at its first close; replays write versioned topics.
 *
 * - `source`: the job whose results were scored (`rollups`, `red`, `log-counts`).
 * - `key`: that job's result key (a series' labelsKey; `service NUL operation`; …).
 * - `feature`: which value of the window (`mean` of a series; `rate`, `error_ratio`, `p99_ms` of
 *   an operation; `count` of log lines).
 */
export interface AnomalyRow {
  readonly tenant: string
  readonly source: string
  readonly key: string
  readonly feature: string
  readonly windowMs: number
  /** The window's end (event time). */
  readonly timeMs: number
  readonly value: number
  readonly score: number
  /** The default alerting policy fired on this point. */
  readonly alert: boolean
  /** The evidence: novelty surprise, level and seasonal residuals in scales, a declared shift. */
  readonly novelty: number
  readonly levelZ: number
  readonly seasonalZ: number
  readonly changePoint: boolean
  /** Processing time the point was scored (for latency: this minus the window's close). */
  readonly detectedAtMs: number
}

/** Anomaly rows of one task's epoch, as one record on the anomalies topic. */
export interface AnomalyBatch {
  readonly kind: 'anomalies'
  readonly rows: readonly AnomalyRow[]
}
