import { encodeAnomalyBatch } from '../../../core/batch/index.js'
import type { AnomalyRow, ResultRow } from '../../../core/batch/index.js'
import type { DetectStage } from '../../../detect/index.js'
import type { Collector, Operator, OperatorContext } from '../../api/index.js'
import type { OutputAppend } from '../../runtime/task-job.js'

/** How often (event time) idle detected series are evicted. */
const EVICT_EVERY_MS = 60_000

/**
 * Chains a `DetectStage` behind a job's operator: every batch of result rows the operator emits is
 * scored as it passes, and the anomalies wait here until the job encodes that same batch
 * (`drain`), so a window and its anomaly are appended in the same epoch's transaction — the
 * anomaly is as durable, and as exactly-once, as the result it comes from.
 */
export class DetectingOperator<In> implements Operator<In, ResultRow[]> {
  readonly #pending: AnomalyRow[] = []
  readonly #counts = { scored: 0, emitted: 0, refused: 0 }
  #evictedAtMs = Number.NEGATIVE_INFINITY

  constructor(
    readonly inner: Operator<In, ResultRow[]>,
    readonly stage: DetectStage,
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  #adapt(ctx: OperatorContext, out: Collector<ResultRow[]>): Collector<ResultRow[]> {
    return {
      emit: (rows) => {
        const c = this.#counts
        c.scored = 0
        c.emitted = 0
        c.refused = 0
        this.stage.process(rows, ctx.clock.nowMs(), this.#pending, c)
        if (c.scored > 0) ctx.count('detect.scored', c.scored)
        if (c.emitted > 0) ctx.count('detect.anomalies', c.emitted)
        if (c.refused > 0) ctx.count('detect.refused.max_series', c.refused)
        out.emit(rows)
      },
      side: (o, b, r) => out.side(o, b, r),
    }
  }

  onStart(ctx: OperatorContext): void {
    this.inner.onStart?.(ctx)
  }

  processBatch(batch: In, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.inner.processBatch(batch, ctx, this.#adapt(ctx, out))
  }

  onWatermark(timeMs: number, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.inner.onWatermark?.(timeMs, ctx, this.#adapt(ctx, out))
    if (timeMs - this.#evictedAtMs >= EVICT_EVERY_MS && Number.isFinite(timeMs)) {
      this.#evictedAtMs = timeMs
      const n = this.stage.evictIdle(timeMs)
      if (n > 0) ctx.count('detect.evicted.idle', n)
    }
  }

  onBarrier(epoch: number, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.inner.onBarrier?.(epoch, ctx, this.#adapt(ctx, out))
  }

  onTick(nowMs: number, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.inner.onTick?.(nowMs, ctx, this.#adapt(ctx, out))
  }

  onEnd(ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.inner.onEnd?.(ctx, this.#adapt(ctx, out))
  }

  /** The anomalies of the batch being encoded, as an append to the anomalies topic (or none). */
  drain(): OutputAppend[] {
    if (this.#pending.length === 0) return []
    let newest = 0
    for (const a of this.#pending) if (a.timeMs > newest) newest = a.timeMs
    const value = encodeAnomalyBatch({ kind: 'anomalies', rows: this.#pending.splice(0) })
    return [
      { topic: this.topic, partition: this.partition, records: [{ key: null, value, timestampMs: newest }] },
    ]
  }
}

const MAGIC = Buffer.from('VDJ1', 'latin1')

/** A job snapshot with the detector's part: "VDJ1" | u32 length of the job's part | job part | bank part. */
export function frameWithDetector(job: Uint8Array, bank: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(8 + job.length + bank.length)
  MAGIC.copy(out, 0)
  out.writeUInt32LE(job.length, 4)
  out.set(job, 8)
  out.set(bank, 8 + job.length)
  return out
}

/** Splits a framed snapshot; a snapshot from before detection was on is all job (bank undefined). */
export function unframeWithDetector(bytes: Uint8Array): { job: Uint8Array; bank: Uint8Array | undefined } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) return { job: bytes, bank: undefined }
  const len = buf.readUInt32LE(4)
  if (8 + len > buf.length) throw new Error('job snapshot with detector state is truncated')
  return { job: buf.subarray(8, 8 + len), bank: buf.subarray(8 + len) }
}
