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
  /** `restoreCheckpoints()` of the full checkpoint into a fresh operator. */
  readonly restoreMs: number
  /** The delta checkpoint after one more step of DELTA_SHARE of the series. */
  readonly deltaBytes: number
  readonly deltaMs: number
}

const BATCH = 10_000
/**
 * Share of the series given one more sample before the delta checkpoint: 1M series scraped every
 * 10 s and checkpointed every second change about a tenth of the series per checkpoint.
 */
export const DELTA_SHARE = 0.1

/**
 * The rollup operator's checkpoint cost in isolation: an operator (windows 10 s and 1 m, as the
 * throughput cases) fed `steps` steps of `stepMs` of `series` series with the watermark following
 * the data (at 3 steps of 1 s: one open 10 s window and one open 1 m window per series, 3 samples each),
 * then a full `checkpoint()` (the columnar format the job commits) timed, and `restoreCheckpoints()` of
 * those bytes into a fresh operator; before that restore, one more step of every 1/DELTA_SHARE-th
 * series and the delta `checkpoint()` that follows, timed.
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
  const ts = start + steps * stepMs
  const every = Math.round(1 / DELTA_SHARE)
  for (let from = 0; from < series; from += BATCH * every) {
    const batch = stepBatch(from, Math.min(series, from + BATCH * every), ts, steps, every)
    op.processBatch(batch, context(ts - stepMs), out)
  }
  const t2 = performance.now()
  const delta = op.checkpoint(false)
  const deltaMs = performance.now() - t2
  if (delta.full) throw new Error('the snapshot bench expected a delta checkpoint')
  // Restored last: the restored operator's garbage would otherwise be collected during the delta.
  const fresh = new RollupOperator(settings)
  const t1 = performance.now()
  fresh.restoreCheckpoints([bytes])
  const restoreMs = performance.now() - t1
  return { series, bytes: bytes.length, snapshotMs, restoreMs, deltaBytes: delta.bytes.length, deltaMs }
}

/** One sample at ts of every `every`-th series in [from, to). */
function stepBatch(from: number, to: number, ts: number, step: number, every = 1): MetricBatch {
  const b = new MetricBatchBuilder(BENCH_TENANT, Math.ceil((to - from) / every))
  for (let i = from; i < to; i += every)
    b.sample(b.series(seriesLabels(i), 'gauge'), ts, (i % 97) + step * 0.5)
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
