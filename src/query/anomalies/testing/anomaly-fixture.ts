import type { AnomalyRow } from '../../../core/batch/index.js'
import type { StoreDatabase } from '../../../store/index.js'
import { writeAnomalyBatch } from '../../../store/tables/anomaly-table.js'

/** Test support: anomaly rows written with the store's own writer. */

export const SERIES_CPU_A = '__name__\u0000cpu\u0000host\u0000a'
export const SERIES_CPU_B = '__name__\u0000cpu\u0000host\u0000b'
export const SERIES_MEM_A = '__name__\u0000mem\u0000host\u0000a'

/** An anomaly row of tenant `acme` on SERIES_CPU_A at `timeMs`, with `over` on top. */
export function anomalyRow(timeMs: number, over: Partial<AnomalyRow> = {}): AnomalyRow {
  return {
    tenant: 'acme',
    source: 'rollups',
    key: SERIES_CPU_A,
    feature: 'mean',
    windowMs: 10_000,
    timeMs,
    value: 97.5,
    score: 0.9,
    alert: true,
    novelty: 5.5,
    levelZ: 4.25,
    seasonalZ: 1.5,
    changePoint: false,
    detectedAtMs: timeMs + 1_500,
    ...over,
  }
}

/** Writes `rows` as one anomalies record at (`partition`, `offset`). */
export async function writeAnomalies(
  db: StoreDatabase,
  rows: readonly AnomalyRow[],
  at: { partition?: number; offset?: number } = {},
): Promise<void> {
  await writeAnomalyBatch(db.connection, { kind: 'anomalies', rows }, at.partition ?? 0, at.offset ?? 0)
}
