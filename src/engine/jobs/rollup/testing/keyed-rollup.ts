import { labelsKey } from '../../../../core/batch/index.js'
import type { MetricBatch } from '../../../../core/batch/index.js'
import type { Aggregate } from '../../../aggregates/index.js'
import type { Collector, Operator, OperatorContext } from '../../../api/index.js'
import {
  KeyedWindows,
  decodeWindowsSnapshot,
  encodeWindowsSnapshot,
  tumbling,
} from '../../../windows/index.js'
import type { LateReason, WindowOutput } from '../../../windows/index.js'
import { aggregateKind } from '../aggregate-kind.js'
import type { RollupLateRecord, RollupRow, RollupSettings } from '../rollup-operator.js'

/**
 * Test-only reference: the rollup operator as it was before its tumbling fast path, one generic
 * KeyedWindows per window size keyed by `tenant NUL labelsKey`. The equivalence test runs it and
 * RollupOperator on the same random input and requires identical rows, late records and snapshots
 * that restore into either. Original description follows.
 *
 * The metric rollup job's operator: per (tenant, series), tumbling windows of each configured size with the
 * full aggregate (count, sum, min, max, last, mean, p50/p90/p99). A sample is identified by (series,
 * timestamp), so a retried request never double-counts. Results are emitted when the watermark
 * passes a window's end, and again (revision n+1) for late samples within the allowed lateness;
 * later samples go to the `late` side output with their reason.
 *
 * State: the open windows of every size, snapshotted whole (`snapshot`/`restore`); incremental
 * snapshots through the state backend come with the engine's state wiring.
 */
export class KeyedRollup implements Operator<MetricBatch, RollupRow[]> {
  readonly #windows: { readonly sizeMs: number; readonly w: KeyedWindows<Aggregate> }[]
  #out: RollupRow[] = []
  #late: { record: RollupLateRecord; reason: LateReason }[] = []

  constructor(settings: RollupSettings) {
    this.#windows = settings.windowsMs.map((sizeMs) => ({
      sizeMs,
      w: new KeyedWindows<Aggregate>(
        {
          assigner: tumbling(sizeMs),
          accumulator: aggregateKind(),
          allowedLatenessMs: settings.allowedLatenessMs,
          ...(settings.maxOpenWindows === undefined ? {} : { maxOpenWindows: settings.maxOpenWindows }),
        },
        {
          onResult: (o: WindowOutput<Aggregate>) => {
            if (o.kind !== 'window') return // tumbling windows never merge, so never retract
            const cut = o.key.indexOf('\u0000')
            this.#out.push({
              tenant: o.key.slice(0, cut),
              series: o.key.slice(cut + 1),
              windowMs: sizeMs,
              windowStart: o.windowStart,
              windowEnd: o.windowEnd,
              revision: o.revision,
              final: o.final,
              aggregate: o.accumulator.result(),
            })
          },
          onLate: (record, reason) => {
            const cut = record.key.indexOf('\u0000')
            const late: RollupLateRecord = {
              tenant: record.key.slice(0, cut),
              key: record.key.slice(cut + 1),
              ts: record.ts,
              value: record.value,
              windowMs: sizeMs,
            }
            this.#late.push({ record: late, reason })
          },
        },
      ),
    }))
  }

  processBatch(batch: MetricBatch, ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    const prefix = `${batch.tenant}\u0000`
    const keys = batch.series.map((labels) => prefix + labelsKey(labels))
    for (const { w } of this.#windows) {
      for (let i = 0; i < batch.length; i++) w.add(keys[batch.seriesIdx[i]!]!, batch.ts[i]!, batch.value[i]!)
    }
    for (const { w } of this.#windows) w.flushUpdates()
    this.#flush(ctx, out)
  }

  onWatermark(timeMs: number, ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    for (const { w } of this.#windows) w.advanceWatermark(timeMs)
    this.#flush(ctx, out)
  }

  /** Every window size's open windows, encoded (versioned, checksummed by the windows codec). */
  snapshot(): Uint8Array[] {
    return this.#windows.map(({ w }) => encodeWindowsSnapshot(w.snapshot()))
  }

  restore(parts: readonly Uint8Array[]): void {
    if (parts.length !== this.#windows.length) {
      throw new Error(`rollup snapshot has ${parts.length} window sizes, the job has ${this.#windows.length}`)
    }
    this.#windows.forEach(({ w }, i) => {
      const decoded = decodeWindowsSnapshot(parts[i]!)
      if (!decoded.ok) throw new Error(`cannot restore rollup windows: ${decoded.reason}`)
      w.restore(decoded.snapshot)
    })
  }

  #flush(ctx: OperatorContext, out: Collector<RollupRow[]>): void {
    if (this.#out.length > 0) {
      out.emit(this.#out)
      this.#out = []
    }
    for (const { record, reason } of this.#late) out.side('late', record, reason)
    if (this.#late.length > 0) ctx.count('late', this.#late.length)
    this.#late = []
  }
}
