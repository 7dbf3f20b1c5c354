import type { DetectorConfig } from '../detector-config.js'
import { DetectorOutput, PointDetector } from '../point-detector.js'

/** Scores of one series, point by point, strictly online (one pass, in order, no look-ahead). */
export interface SeriesScores {
  readonly scores: Float64Array
  readonly alerts: Uint8Array
}

export function scoreSeries(
  config: DetectorConfig,
  timeMs: Float64Array,
  values: Float64Array,
): SeriesScores {
  const detector = new PointDetector(config)
  const state = detector.newState(1)
  const out = new DetectorOutput()
  const scores = new Float64Array(values.length)
  const alerts = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    detector.update(state, 0, timeMs[i]!, values[i]!, out)
    scores[i] = out.score
    alerts[i] = out.alert ? 1 : 0
  }
  return { scores, alerts }
}
