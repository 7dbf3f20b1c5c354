import { MetricBatchBuilder, decodeMetricBatch, encodeMetricBatch } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import type { Log } from '../../../log/index.js'
import { RollupOperator } from '../../jobs/rollup/rollup-operator.js'
import type { RollupRow } from '../../jobs/rollup/rollup-operator.js'
import type { TaskJob } from '../task-job.js'

export const ROLLUP_INPUT = 'metrics-in'
export const ROLLUP_OUTPUT = 'rollups-out'
export const ROLLUP_WINDOW_MS = 10_000

/**
 * Test-only job: the real rollup operator over real metric batches, with its windows snapshotted
 * whole each epoch and its rows written as JSON lines (the test reads them back). Used by the
 * engine crash test to compare committed results with an offline reference.
 */
export function rollupTestJob(): TaskJob<MetricBatch, RollupRow[]> {
  const operator = new RollupOperator({ windowsMs: [ROLLUP_WINDOW_MS], allowedLatenessMs: 0 })
  return {
    name: 'rollup-test',
    decode: (v) => {
      const d = decodeMetricBatch(v)
      return d.ok ? d.batch : undefined
    },
    maxEventTimeMs: (b) => {
      let max = Number.NEGATIVE_INFINITY
      for (const t of b.ts) if (t > max) max = t
      return max
    },
    operator,
    encode: (rows) => [
      {
        topic: ROLLUP_OUTPUT,
        partition: 0,
        records: rows.map((r) => ({
          key: null,
          value: Buffer.from(JSON.stringify(r)),
          timestampMs: r.windowEnd,
        })),
      },
    ],
    snapshot: () => {
      const parts = operator.snapshot()
      return {
        bytes: Buffer.from(JSON.stringify(parts.map((p) => Buffer.from(p).toString('base64')))),
        full: true,
      }
    },
    restore: (snapshots) => {
      const last = snapshots[snapshots.length - 1]
      if (last === undefined) return
      const parts = (JSON.parse(Buffer.from(last).toString()) as string[]).map(
        (p) => new Uint8Array(Buffer.from(p, 'base64')),
      )
      operator.restore(parts)
    },
  }
}

/**
 * Appends `batches` metric batches of `seriesCount` series (one sample each, event times moving
 * forward with some disorder within a second), in two partitions. Returns every sample written.
 */
export async function writeMetricInput(
  log: Log,
  firstBatch: number,
  batches: number,
  seriesCount: number,
): Promise<{ series: string; ts: number; value: number }[]> {
  const written: { series: string; ts: number; value: number }[] = []
  for (let b = firstBatch; b < firstBatch + batches; b++) {
    const builder = new MetricBatchBuilder('t')
    for (let s = 0; s < seriesCount; s++) {
      const ts = b * 250 + ((s * 37 + b * 11) % 249) // disorder within a batch, (series, ts) unique
      const value = (b * 7 + s * 3) % 101
      builder.sample(builder.series(['__name__', `m${s}`], 'gauge'), ts, value)
      written.push({ series: `__name__\u0000m${s}`, ts, value })
    }
    await log.append(ROLLUP_INPUT, b % 2, [
      { key: null, value: encodeMetricBatch(builder.build()), timestampMs: b },
    ])
  }
  return written
}
