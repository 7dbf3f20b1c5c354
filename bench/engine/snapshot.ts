import { MetricBatchBuilder } from '../../src/core/batch/index.js'
import type { MetricBatch } from '../../src/core/batch/index.js'
import { systemClock } from '../../src/core/index.js'
import type { Collector, OperatorContext } from '../../src/engine/api/index.js'
import { RollupOperator } from '../../src/engine/jobs/rollup/rollup-operator.js'
import type { RollupRow } from '../../src/engine/jobs/rollup/rollup-operator.js'
import { BENCH_TENANT, seriesLabels } from './prefill.js'

export interface SnapshotSample {
  readonly series: number
  /** Framed snapshot bytes (what TaskRunner wraps and commits). */
  readonly bytes: number
  readonly snapshotMs: number
  /** NaN when not timed (more than MAX_RESTORE_SERIES series). */
  readonly restoreMs: number
}

const BATCH = 10_000
/** restore() is not timed above this: at 1M series it runs for minutes (see docs/benchmarks.md). */
export const MAX_RESTORE_SERIES = 100_000

/**
 * The rollup operator's checkpoint cost in isolation: an operator (windows 10 s and 1 m, as the
 * throughput cases) fed `steps` steps of `stepMs` of `series` series with the watermark following
 * the data (at 3 steps of 1 s: one open 10 s window and one open 1 m window per series, 3 samples each),
 * then a full `checkpoint()` (the columnar format the job commits) timed, and `restoreCheckpoints()` of
 * those bytes into a fresh operator.
 */
export function measureSnapshot(series: number, steps: number, stepMs: number): SnapshotSample {
  const settings = { windowsMs: [10_000, 60_000], allowedLatenessMs: 0 }
  const op = new RollupOperator(settings)
  const out: Collector<RollupRow[]> = { emit: () => undefined, side: () => undefined }
  const start = Date.UTC(2026, 0, 1)
  for (let step = 0; step < steps; step++) {
    const ts = start + step * stepMs
    for (let from = 0; from < series; from += BATCH) {
      const batch = stepBatch(from, Math.min(series, from + BATCH), ts, step)
      op.processBatch(batch, context(ts - stepMs), out)
    }
    op.onWatermark(ts, context(ts), out)
  }
  // The checkpoint the built-in job commits (columnar, full), not the windows-codec snapshot().
  const t0 = performance.now()
  const bytes = op.checkpoint(true).bytes
  const snapshotMs = performance.now() - t0
  let restoreMs = Number.NaN
  if (series <= MAX_RESTORE_SERIES) {
    const fresh = new RollupOperator(settings)
    const t1 = performance.now()
    fresh.restoreCheckpoints([bytes])
    restoreMs = performance.now() - t1
  }
  return { series, bytes: bytes.length, snapshotMs, restoreMs }
}

function stepBatch(from: number, to: number, ts: number, step: number): MetricBatch {
  const b = new MetricBatchBuilder(BENCH_TENANT, to - from)
  for (let i = from; i < to; i++) b.sample(b.series(seriesLabels(i), 'gauge'), ts, (i % 97) + step * 0.5)
  return b.build()
}

function context(watermarkMs: number): OperatorContext {
  return {
    operatorId: 'rollups',
    clock: systemClock,
    watermarkMs,
    table: () => {
      throw new Error('no state tables in the snapshot bench')
    },
    count: () => undefined,
  }
}
