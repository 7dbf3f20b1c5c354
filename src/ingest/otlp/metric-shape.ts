import { counterName, sanitizeMetricName } from './prometheus-names.js'

/**
 * What an OTLP metric becomes: `gauge` (gauge points, and sums that are not monotonic cumulative),
 * `counter` (monotonic cumulative sums), `histogram`, `summary`, or `exponential_histogram`
 * (kept whole). A delta sum's points are per-interval amounts, so they are kept as gauge samples
 * of that amount rather than mislabelled as a counter.
 */
export const metricShapes = ['gauge', 'counter', 'histogram', 'summary', 'exponential_histogram'] as const
export type MetricShape = (typeof metricShapes)[number]

/** AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE. */
export const TEMPORALITY_CUMULATIVE = 2

export function sumShape(isMonotonic: boolean, temporality: number): MetricShape {
  return isMonotonic && temporality === TEMPORALITY_CUMULATIVE ? 'counter' : 'gauge'
}

/** The Prometheus family name: sanitised, `_total` for counters; '' when the metric has no name. */
export function familyName(rawName: string, shape: MetricShape): string {
  if (rawName === '') return ''
  const name = sanitizeMetricName(rawName)
  return shape === 'counter' ? counterName(name) : name
}
