import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import type { AnomalyBatch } from '../../core/batch/index.js'
import { appendColumns } from '../duckdb/append-columns.js'

/**
 * Anomaly rows (the detect stage's scored points) into `anomalies` (migration 5). The column types
 * below must match the migration's DDL, in order (store-database.test.ts compares them).
 */
export const ANOMALY_COLUMN_TYPES: readonly DuckDBType[] = [
  VARCHAR, // tenant
  VARCHAR, // source
  VARCHAR, // key
  VARCHAR, // feature
  BIGINT, // window_ms
  BIGINT, // time_ms
  DOUBLE, // value
  DOUBLE, // score
  BOOLEAN, // alert
  DOUBLE, // novelty
  DOUBLE, // level_z
  DOUBLE, // seasonal_z
  BOOLEAN, // change_point
  BIGINT, // detected_at_ms
  INTEGER, // src_partition
  BIGINT, // src_offset
  INTEGER, // row_index
]

/** Times outside JavaScript's date range (±8.64e15 ms) are refused; they are not times. */
const MAX_TIME_MS = 8.64e15

/**
 * Why a decoded batch cannot be stored, or undefined when it can: a time that is not a finite
 * millisecond count in the date range (BIGINT columns cannot hold NaN, and a failing append would
 * fail the transaction on every retry). The whole record is then a drop, like an undecodable one.
 * Numbers (value, score, evidence) may be NaN or ±Infinity: DOUBLE keeps them.
 */
export function anomalyBatchProblem(batch: AnomalyBatch): string | undefined {
  for (let i = 0; i < batch.rows.length; i++) {
    const row = batch.rows[i]!
    if (!isTime(row.timeMs)) return `anomaly row ${i}: timeMs ${row.timeMs} is not a time in ms`
    if (!isTime(row.detectedAtMs))
      return `anomaly row ${i}: detectedAtMs ${row.detectedAtMs} is not a time in ms`
    if (!Number.isSafeInteger(row.windowMs)) return `anomaly row ${i}: windowMs ${row.windowMs} is too large`
  }
  return undefined
}

/**
 * Writes one anomalies record's rows (checked by `anomalyBatchProblem` first) with the chunked
 * appender; call inside the transaction that also stores the consumed offset. Times are rounded to
 * whole milliseconds. Returns the rows written.
 */
export async function writeAnomalyBatch(
  c: DuckDBConnection,
  batch: AnomalyBatch,
  partition: number,
  offset: number,
): Promise<number> {
  const n = batch.rows.length
  const cols: DuckDBValue[][] = ANOMALY_COLUMN_TYPES.map(() => new Array<DuckDBValue>(n))
  const src = BigInt(offset)
  batch.rows.forEach((row, r) => {
    let k = 0
    cols[k++]![r] = row.tenant
    cols[k++]![r] = row.source
    cols[k++]![r] = row.key
    cols[k++]![r] = row.feature
    cols[k++]![r] = BigInt(row.windowMs)
    cols[k++]![r] = BigInt(Math.round(row.timeMs))
    cols[k++]![r] = row.value
    cols[k++]![r] = row.score
    cols[k++]![r] = row.alert
    cols[k++]![r] = row.novelty
    cols[k++]![r] = row.levelZ
    cols[k++]![r] = row.seasonalZ
    cols[k++]![r] = row.changePoint
    cols[k++]![r] = BigInt(Math.round(row.detectedAtMs))
    cols[k++]![r] = partition
    cols[k++]![r] = src
    cols[k++]![r] = r
  })
  await appendColumns(c, 'anomalies', ANOMALY_COLUMN_TYPES, cols, n)
  return n
}

function isTime(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS
}
