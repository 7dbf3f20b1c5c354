import type { DuckDBValue } from '@duckdb/node-api'
import { bigintOf, numberOf, stringOf } from '../sql/duckdb-values.js'
import { rfc3339Nano } from '../sql/time-format.js'
import type { AnomalyCursor } from './anomaly-cursor.js'
import { keyLabels } from './key-labels.js'

/**
 * A number in the JSON answer: itself when finite; NaN and ±Infinity, which JSON cannot hold, as
 * the strings Prometheus writes for them.
 */
export type JsonNumber = number | 'NaN' | '+Inf' | '-Inf'

/** One scored point as the API returns it (JSON-ready: no bigints). */
export interface AnomalyEntry {
  /** The job whose results were scored: `rollups`, `red`, `log-counts`. */
  readonly source: string
  /** That job's result key, as stored (rollups: the series' labels, NUL-joined). */
  readonly key: string
  /** The key's labels (key-labels.ts): a series' labels; `service` and `operation` or `severity`. */
  readonly labels: Record<string, string>
  /** Which value of the window was scored (`mean`, `increase`, `rate`, `error_ratio`, `p99_ms`, `count`). */
  readonly feature: string
  readonly windowMs: number
  /** The scored window's end (event time), RFC 3339. */
  readonly time: string
  readonly timeMs: number
  readonly value: JsonNumber
  /** The anomaly score in [0, 1]. */
  readonly score: JsonNumber
  /** Whether the default alerting policy fired on this point. */
  readonly alert: boolean
  readonly evidence: {
    /** Surprise of the value under the series' recent distribution. */
    readonly novelty: JsonNumber
    /** Residual from the robust level, in scales. */
    readonly levelZ: JsonNumber
    /** Residual from the daily profile, in scales. */
    readonly seasonalZ: JsonNumber
    /** Whether a level shift was declared at this point. */
    readonly changePoint: boolean
  }
  /** When the point was scored (processing time), RFC 3339. */
  readonly detectedAt: string
  readonly detectedAtMs: number
}

/** `v` for JSON: finite numbers as they are, NaN and ±Infinity as "NaN", "+Inf", "-Inf". */
export function jsonNumber(v: number): JsonNumber {
  if (Number.isFinite(v)) return v
  if (Number.isNaN(v)) return 'NaN'
  return v > 0 ? '+Inf' : '-Inf'
}

/** A row of `anomalyPageSql` (by column name) as an AnomalyEntry. */
export function anomalyEntryOf(row: Record<string, DuckDBValue>): AnomalyEntry {
  const source = stringOf(row.source)
  const key = stringOf(row.key)
  const timeMs = numberOf(row.time_ms)
  const detectedAtMs = numberOf(row.detected_at_ms)
  return {
    source,
    key,
    labels: keyLabels(source, key),
    feature: stringOf(row.feature),
    windowMs: numberOf(row.window_ms),
    time: rfc3339Nano(timeMs, 0),
    timeMs,
    value: jsonNumber(numberOf(row.value)),
    score: jsonNumber(numberOf(row.score)),
    alert: row.alert === true,
    evidence: {
      novelty: jsonNumber(numberOf(row.novelty)),
      levelZ: jsonNumber(numberOf(row.level_z)),
      seasonalZ: jsonNumber(numberOf(row.seasonal_z)),
      changePoint: row.change_point === true,
    },
    detectedAt: rfc3339Nano(detectedAtMs, 0),
    detectedAtMs,
  }
}

/** The cursor that continues after `row`. */
export function cursorAfter(row: Record<string, DuckDBValue>): AnomalyCursor {
  return {
    timeMs: bigintOf(row.time_ms),
    partition: numberOf(row.src_partition),
    offset: bigintOf(row.src_offset),
    rowIndex: numberOf(row.row_index),
  }
}
