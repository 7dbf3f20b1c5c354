import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api'
import { labelsKey } from '../../core/batch/index.js'
import type { MetricBatch } from '../../core/batch/index.js'
import { appendColumns } from '../duckdb/append-columns.js'

const TYPES = [VARCHAR, VARCHAR, DOUBLE, DOUBLE, INTEGER, BIGINT]

/**
 * Raw samples of one ingest metric record into `samples` (tenant, series as its labelsKey, ts_ms,
 * value, and the record's partition and offset). Call inside the transaction that also stores the
 * consumed offset. Returns the samples written.
 */
export async function writeMetricBatch(
  c: DuckDBConnection,
  batch: MetricBatch,
  partition: number,
  offset: number,
): Promise<number> {
  const n = batch.length
  const keys = batch.series.map((labels) => labelsKey(labels))
  const tenant = new Array<DuckDBValue>(n).fill(batch.tenant)
  const series = new Array<DuckDBValue>(n)
  const ts = new Array<DuckDBValue>(n)
  const value = new Array<DuckDBValue>(n)
  for (let i = 0; i < n; i++) {
    series[i] = keys[batch.seriesIdx[i]!]!
    ts[i] = batch.ts[i]!
    value[i] = batch.value[i]!
  }
  const src = BigInt(offset)
  await appendColumns(
    c,
    'samples',
    TYPES,
    [
      tenant,
      series,
      ts,
      value,
      new Array<DuckDBValue>(n).fill(partition),
      new Array<DuckDBValue>(n).fill(src),
    ],
    n,
  )
  return n
}
