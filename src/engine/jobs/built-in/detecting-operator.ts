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
    /** The live stage first, then shadow stages (candidates that are scored and stored, never alerted on). */
    readonly stages: readonly DetectStage[],
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
        const now = ctx.clock.nowMs()
        for (const stage of this.stages) stage.process(rows, now, this.#pending, c)
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
      let n = 0
      for (const stage of this.stages) n += stage.evictIdle(timeMs)
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

const MAGIC_V1 = Buffer.from('VDJ1', 'latin1')
const MAGIC_V2 = Buffer.from('VDJ2', 'latin1')

/**
 * A job snapshot with the detect stages' parts: "VDJ2" | u32 count | per part a u32 length and its
 * bytes — the job's part, then one bank per stage (live, then shadows). ("VDJ1" | u32 job length |
 * job | one bank, written before shadow stages existed, is still read.)
 */
export function frameWithDetector(job: Uint8Array, banks: readonly Uint8Array[]): Uint8Array {
  const parts = [job, ...banks]
  let size = 8
  for (const p of parts) size += 4 + p.length
  const out = Buffer.allocUnsafe(size)
  MAGIC_V2.copy(out, 0)
  out.writeUInt32LE(parts.length, 4)
  let at = 8
  for (const p of parts) {
    out.writeUInt32LE(p.length, at)
    out.set(p, at + 4)
    at += 4 + p.length
  }
  return out
}

/** Splits a framed snapshot; one from before detection was on is all job (no banks). */
export function unframeWithDetector(bytes: Uint8Array): { job: Uint8Array; banks: Uint8Array[] | undefined } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length >= 8 && buf.subarray(0, 4).equals(MAGIC_V1)) {
    const len = buf.readUInt32LE(4)
    if (8 + len > buf.length) throw new Error('job snapshot with detector state is truncated')
    return { job: buf.subarray(8, 8 + len), banks: [buf.subarray(8 + len)] }
  }
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC_V2)) return { job: bytes, banks: undefined }
  const n = buf.readUInt32LE(4)
  const parts: Uint8Array[] = []
  let at = 8
  for (let i = 0; i < n; i++) {
    if (at + 4 > buf.length) throw new Error('job snapshot with detector state is truncated')
    const len = buf.readUInt32LE(at)
    if (at + 4 + len > buf.length) throw new Error('job snapshot with detector state is truncated')
    parts.push(buf.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  const [job, ...banks] = parts
  if (job === undefined) throw new Error('job snapshot with detector state has no job part')
  return { job, banks }
}
