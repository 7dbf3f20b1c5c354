import type { LogBatch } from '../../../core/batch/index.js'

/** A row with its resource inlined and its time as exact epoch ns text: easy to compare in tests. */
export interface FlatRow {
  labels: readonly string[]
  service: string
  ns: string
  line: string
  metadata: readonly string[]
  severity: [number, string]
}

export function flatRows(batch: LogBatch): FlatRow[] {
  return batch.rows.map((row) => {
    const r = batch.resources[row.resource]!
    return {
      labels: r.attributes,
      service: r.service,
      ns: (BigInt(row.timeMs) * 1_000_000n + BigInt(row.timeNanos)).toString(),
      line: row.body,
      metadata: row.attributes,
      severity: [row.severityNumber, row.severityText],
    }
  })
}
