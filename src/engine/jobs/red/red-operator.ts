import { PipelineError } from '../../../core/index.js'
import { spanDurationNanos, spanStatusCodes } from '../../../core/batch/index.js'
import type { SpanBatch, SpanRow } from '../../../core/batch/index.js'
import type { SketchOptions } from '../../aggregates/index.js'
import type { Collector, Operator, OperatorContext } from '../../api/index.js'
import type { ResultRow } from '../../results/result-row.js'
import { ResultWindows } from '../result-windows.js'
import type { LateReason } from '../../windows/index.js'
import { encodeRedSample, redAccumulatorKind } from './red-accumulator.js'
import type { RedAccumulator } from './red-accumulator.js'
import { SpanSeen } from './span-seen.js'

export interface RedSettings {
  /** Tumbling window sizes in ms, e.g. [10_000, 60_000]: positive integers, no repeats. */
  readonly windowsMs: readonly number[]
  /** How long after its end a window still takes late spans (each re-emitted as a new revision). */
  readonly allowedLatenessMs: number
  /** Open windows per window size; spans needing more are refused (`too_many_windows`). */
  readonly maxOpenWindows?: number
  /** Span identities remembered for dedupe; new spans beyond it are refused (`too_many_spans`). */
  readonly maxTrackedSpans?: number
  /** The duration quantile sketch; default α = 1 %, 2048 buckets. */
  readonly sketch?: SketchOptions
}

/** A RED window holds a sketch (0.7–6 KB), so its default cap is well below the window core's. */
export const DEFAULT_RED_MAX_OPEN_WINDOWS = 100_000
export const DEFAULT_MAX_TRACKED_SPANS = 1_000_000

/** Why a span went to the `late` side output: the window core's reasons, or the dedupe set was full. */
export type RedLateReason = LateReason | 'too_many_spans'

/** What the `late` side output receives for a refused span (once per window size that refused it). */
export interface RedLateRecord {
  readonly tenant: string
  readonly service: string
  readonly operation: string
  readonly traceId: string
  readonly spanId: string
  /** The span's event time (end time), epoch ms. */
  readonly endMs: number
  /** The window size that refused the span; null when it was refused for every size. */
  readonly windowMs: number | null
}

const NUL = '\u0000'
const STATUS_ERROR = spanStatusCodes.indexOf('error')

/**
 * The RED job's operator: per (tenant, service, operation) and tumbling window of each configured
 * size, the Rate (`count`: spans that ended in the window), Errors (`errors`: spans with status
 * ERROR) and Duration (span duration in ms: sum, min, max, last, mean, p50/p90/p99 from a
 * quantile sketch) of spans, emitted as `ResultRow`s keyed `service NUL operation` (service =
 * the resource's `service.name`, operation = the span name; every span kind counts).
 *
 * - Event time is the span's end time (`endMs`): a span is complete, and exported, only when it
 *   ends, so end time tracks arrival and the watermark; start time would make every long span late
 *   by its own duration. The rate is thus "requests completed per window", as a server-side
 *   request counter would report it.
 * - Dedupe is by span identity (tenant, traceId, spanId), not by timestamp: the window core's
 *   (key, ts) dedupe is off, since distinct spans of one operation often end in the same ms. A span
 *   already counted is skipped (`ctx.count('duplicate_spans')`), so a retried export never double
 *   counts. The identity is remembered until every window holding the span is dropped (see
 *   SpanSeen); a repeat after that is late in every size, not counted. A span without a traceId or
 *   spanId has no identity and is always counted. Two different spans sharing an identity (a
 *   broken client) count once: the first one wins.
 * - Results are emitted when the watermark passes a window's end and again (revision n + 1) for
 *   late spans within `allowedLatenessMs`; `final` is the window core's: the watermark passed the
 *   window's end (see ResultRow). Refused spans go to
 *   `out.side('late', RedLateRecord, reason)` and `ctx.count('late', n)`.
 * - Durations below zero (end before start) are clamped to 0 and counted (`negative_duration`).
 *
 * Memory is bounded by `maxOpenWindows` per size (≈ 1–6 KB each, sketch included) and
 * `maxTrackedSpans` (≈ 120 bytes each). State: one windows snapshot per size plus the dedupe set,
 * each versioned and checksummed (`snapshot`/`restore`).
 */
export class RedOperator implements Operator<SpanBatch, ResultRow[]> {
  readonly #windows: ResultWindows<RedAccumulator>
  readonly #sizesMs: readonly number[]
  readonly #latenessMs: number
  readonly #maxTrackedSpans: number
  #seen = new SpanSeen()

  constructor(settings: RedSettings) {
    this.#sizesMs = [...settings.windowsMs]
    this.#latenessMs = settings.allowedLatenessMs
    this.#maxTrackedSpans = settings.maxTrackedSpans ?? DEFAULT_MAX_TRACKED_SPANS
    checkSettings(this.#sizesMs, this.#maxTrackedSpans)
    const kind = redAccumulatorKind({ sketch: settings.sketch ?? {} })
    this.#windows = new ResultWindows({
      job: 'RED',
      windowsMs: this.#sizesMs,
      allowedLatenessMs: settings.allowedLatenessMs,
      maxOpenWindows: settings.maxOpenWindows ?? DEFAULT_RED_MAX_OPEN_WINDOWS,
      accumulator: kind,
      values: (acc) => ({ ...acc.result(), errors: acc.errors }),
    })
  }

  processBatch(batch: SpanBatch, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    const tenant = batch.tenant
    let late = 0
    let duplicates = 0
    let negative = 0
    for (const row of batch.rows) {
      const service = batch.resources[row.resource]?.service ?? ''
      const identity =
        row.traceId !== '' && row.spanId !== '' ? `${tenant}${NUL}${row.traceId}${NUL}${row.spanId}` : null
      if (identity !== null && this.#seen.has(identity)) {
        duplicates++
        continue
      }
      if (identity !== null && this.#seen.size >= this.#maxTrackedSpans) {
        out.side('late', lateRecord(tenant, service, row, null), 'too_many_spans')
        late++
        continue
      }
      let durationNs = spanDurationNanos(row)
      if (durationNs < 0) {
        negative++
        durationNs = 0
      }
      const key = `${tenant}${NUL}${service}${NUL}${row.name}`
      const value = encodeRedSample(durationNs / 1_000_000, row.statusCode === STATUS_ERROR)
      let isCounted = false
      for (const { sizeMs, w } of this.#windows.sizes) {
        if (w.add(key, row.endMs, value) === 'accepted') {
          isCounted = true
        } else {
          out.side('late', lateRecord(tenant, service, row, sizeMs), this.#windows.lateReason)
          late++
        }
      }
      if (isCounted && identity !== null) this.#seen.add(identity, this.#expiryMs(row.endMs))
    }
    this.#windows.flushUpdates()
    if (late > 0) ctx.count('late', late)
    if (duplicates > 0) ctx.count('duplicate_spans', duplicates)
    if (negative > 0) ctx.count('negative_duration', negative)
    this.#windows.drain(out)
  }

  onWatermark(timeMs: number, _ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.#windows.advanceWatermark(timeMs)
    this.#seen.prune(this.#windows.sizes[0]!.w.watermarkMs + 1)
    this.#windows.drain(out)
  }

  /** Bounded input ended (a replay): every open window fires, final. */
  onEnd(ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.onWatermark(Number.MAX_SAFE_INTEGER, ctx, out)
  }

  /** Spans currently remembered for dedupe. */
  get trackedSpans(): number {
    return this.#seen.size
  }

  /** One encoded windows snapshot per window size (in `windowsMs` order), then the dedupe set. */
  snapshot(): Uint8Array[] {
    return [...this.#windows.snapshot(), this.#seen.encode()]
  }

  /** Replaces the whole state. Throws on damaged parts or parts of another window configuration. */
  restore(parts: readonly Uint8Array[]): void {
    const sizes = this.#windows.sizes.length
    if (parts.length !== sizes + 1) {
      throw new Error(`RED snapshot has ${parts.length} parts, the job needs ${sizes + 1}`)
    }
    const seen = SpanSeen.decode(parts[sizes]!)
    if (!seen.ok) throw new Error(`cannot restore RED span dedupe: ${seen.reason}`)
    this.#windows.restore(parts.slice(0, sizes)) // decodes every part before replacing anything
    this.#seen = seen.value
  }

  /** When every window of a span ending at `ts` is dropped: max window end + allowed lateness. */
  #expiryMs(ts: number): number {
    let end = Number.NEGATIVE_INFINITY
    for (const size of this.#sizesMs) end = Math.max(end, Math.floor(ts / size) * size + size)
    return end + this.#latenessMs
  }
}

/** The batch's largest event time (span end, epoch ms), for the task's watermark; −Infinity if empty. */
export function maxSpanEndMs(batch: SpanBatch): number {
  let max = Number.NEGATIVE_INFINITY
  for (const row of batch.rows) if (row.endMs > max) max = row.endMs
  return max
}

function lateRecord(tenant: string, service: string, row: SpanRow, windowMs: number | null): RedLateRecord {
  return {
    tenant,
    service,
    operation: row.name,
    traceId: row.traceId,
    spanId: row.spanId,
    endMs: row.endMs,
    windowMs,
  }
}

function checkSettings(sizesMs: readonly number[], maxTrackedSpans: number): void {
  const problems: string[] = []
  if (sizesMs.length === 0) problems.push('windowsMs must name at least one window size')
  for (const size of sizesMs) {
    if (!Number.isSafeInteger(size) || size <= 0)
      problems.push(`window size ${size} is not a positive integer`)
  }
  if (new Set(sizesMs).size !== sizesMs.length) problems.push('windowsMs repeats a size')
  if (!Number.isSafeInteger(maxTrackedSpans) || maxTrackedSpans < 1) {
    problems.push(`maxTrackedSpans must be a positive integer, got ${maxTrackedSpans}`)
  }
  if (problems.length > 0) {
    throw new PipelineError(`invalid RED settings: ${problems.join('; ')}`, {
      code: 'invalid_red_config',
      domain: 'user',
      retryable: false,
    })
  }
}
