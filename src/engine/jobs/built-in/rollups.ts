import { decodeMetricBatch } from '../../../core/batch/index.js'
import type { MetricBatch, ResultRow } from '../../../core/batch/index.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import { RollupOperator } from '../rollup/rollup-operator.js'
import type { RollupRow, RollupSettings } from '../rollup/rollup-operator.js'
import { isRollupCheckpoint } from '../rollup/rollup-checkpoint.js'
import type { IncrementalSnapshots, SnapshottingOperator } from './result-job.js'

/**
 * Open windows per window size of the built-in rollups job. Windows of 10 s with 60 s lateness keep
 * about 7 per series open, so at `ingest.limits.maxSeriesPerTenant` (1M) the window core's default
 * of 1M would refuse samples; a window costs ≈ 90 bytes in the rollup's tables (docs/jobs.md).
 */
export const ROLLUP_MAX_OPEN_WINDOWS = 20_000_000

/**
 * A full rollup checkpoint at least every this many epochs (a minute at the default 1 s interval).
 * Deltas carry only appended samples, so they stay small, and the operator writes a full one
 * sooner when the deltas since the last add up to twice its size (rollup-operator.ts).
 */
export const ROLLUP_FULL_EVERY = 60

/** The rollup operator with its rows in the shared result shape (ResultRow). */
export class RollupResults implements SnapshottingOperator<MetricBatch> {
  readonly #inner: RollupOperator
  /** Commits go through the rollup checkpoint format (full every ROLLUP_FULL_EVERY epochs at most, deltas between). */
  readonly incremental: IncrementalSnapshots

  constructor(settings: RollupSettings) {
    const inner = new RollupOperator(settings)
    this.#inner = inner
    this.incremental = {
      snapshot: (full) => inner.checkpoint(full),
      restore: (chain) => inner.restoreCheckpoints(chain),
      accepts: isRollupCheckpoint,
      fullEvery: ROLLUP_FULL_EVERY,
    }
  }

  processBatch(batch: MetricBatch, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.#inner.processBatch(batch, ctx, adapt(out))
  }

  onWatermark(timeMs: number, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.#inner.onWatermark(timeMs, ctx, adapt(out))
  }

  /** Bounded input ended (replay): every open window fires. */
  onEnd(ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.#inner.onWatermark(Number.MAX_SAFE_INTEGER, ctx, adapt(out))
  }

  snapshot(): Uint8Array[] {
    return this.#inner.snapshot()
  }

  restore(parts: readonly Uint8Array[]): void {
    this.#inner.restore(parts)
  }
}

function adapt(out: Collector<ResultRow[]>): Collector<RollupRow[]> {
  return { emit: (rows) => out.emit(rows.map(toResultRow)), side: (o, b, r) => out.side(o, b, r) }
}

function toResultRow(r: RollupRow): ResultRow {
  const a = r.aggregate
  return {
    tenant: r.tenant,
    key: r.series,
    windowMs: r.windowMs,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    revision: r.revision,
    final: r.final,
    count: a.count,
    sum: a.sum,
    min: a.min,
    max: a.max,
    last: a.last,
    mean: a.mean,
    p50: a.p50,
    p90: a.p90,
    p99: a.p99,
    errors: 0,
  }
}

export function decodeMetrics(value: Uint8Array): MetricBatch | undefined {
  const d = decodeMetricBatch(value)
  return d.ok ? d.batch : undefined
}

export function maxSampleTimeMs(batch: MetricBatch): number {
  let max = Number.NEGATIVE_INFINITY
  const ts = batch.ts
  for (let i = 0; i < batch.length; i++) if (ts[i]! > max) max = ts[i]!
  return max
}
