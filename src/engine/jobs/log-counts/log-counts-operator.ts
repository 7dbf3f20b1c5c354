import { PipelineError } from '../../../core/index.js'
import type { LogBatch, LogRow } from '../../../core/batch/index.js'
import type { Collector, Operator, OperatorContext } from '../../api/index.js'
import type { ResultRow } from '../../results/result-row.js'
import { ResultWindows } from '../result-windows.js'
import { countSumKind } from '../../windows/index.js'
import type { CountSum } from '../../windows/index.js'
import { severityBucket } from './severity.js'
import type { SeverityBucket } from './severity.js'

export interface LogCountsSettings {
  /** Tumbling window sizes in ms, e.g. [10_000, 60_000]: positive integers, no repeats. */
  readonly windowsMs: readonly number[]
  /** How long after its end a window still takes late records (each re-emitted as a new revision). */
  readonly allowedLatenessMs: number
  /** Open windows per window size (window core default 1,000,000); beyond it `too_many_windows`. */
  readonly maxOpenWindows?: number
}

/** What the `late` side output receives for a refused record (once per window size that refused it). */
export interface LogCountsLateRecord {
  readonly tenant: string
  readonly service: string
  readonly severity: SeverityBucket
  /** The record's event time (its time, else its observed time), epoch ms; NaN when it had neither. */
  readonly timeMs: number
  readonly windowMs: number
}

const NUL = '\u0000'

/**
 * The log-counts job's operator: per (tenant, service, severity bucket) and tumbling window of each
 * configured size, the number of log records, emitted as `ResultRow`s keyed `service NUL severity`
 * (`count` = records, `errors` 0, value fields NaN). Service is the resource's `service.name` (Loki:
 * the service label); severity is one of `severityBuckets` (see `severityBucket`).
 *
 * - Event time is the record's `time`, or its `observedTime` when `time` is 0 (OTLP allows either);
 *   a record with neither goes to the late side output as `invalid_timestamp`.
 * - Duplicates are counted. Log records have no natural identity: two identical lines in the same
 *   millisecond are routinely distinct events (a retry loop logging the same error), so deduping
 *   by content would undercount real bursts, and the window core's (key, ts) dedupe is off for the
 *   same reason. Replays inside the engine never double count (restore + deterministic
 *   reprocessing), but a client that retries a request whose 2xx it never received (ingest appended
 *   some or all of it, docs/ingest.md) has those records counted twice.
 * - Results are emitted when the watermark passes a window's end and again (revision n + 1) for late
 *   records within `allowedLatenessMs`; `final` is the window core's: the watermark passed the
 *   window's end (see ResultRow). Refused records go to `out.side('late',
 *   LogCountsLateRecord, reason)` and `ctx.count('late', n)`.
 *
 * Memory: at most `maxOpenWindows` windows per size, each a slot plus a count (≈ 150 bytes); keys
 * are bounded by services × 7 severities per tenant. State: one windows snapshot per size,
 * versioned and checksummed (`snapshot`/`restore`).
 */
export class LogCountsOperator implements Operator<LogBatch, ResultRow[]> {
  readonly #windows: ResultWindows<CountSum>

  constructor(settings: LogCountsSettings) {
    checkSizes(settings.windowsMs)
    this.#windows = new ResultWindows({
      job: 'log-counts',
      windowsMs: settings.windowsMs,
      allowedLatenessMs: settings.allowedLatenessMs,
      ...(settings.maxOpenWindows === undefined ? {} : { maxOpenWindows: settings.maxOpenWindows }),
      accumulator: countSumKind,
      values: (acc) => ({
        count: acc.count,
        sum: NaN,
        min: NaN,
        max: NaN,
        last: NaN,
        mean: NaN,
        p50: NaN,
        p90: NaN,
        p99: NaN,
        errors: 0,
      }),
    })
  }

  processBatch(batch: LogBatch, ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    const tenant = batch.tenant
    let late = 0
    for (const row of batch.rows) {
      const service = batch.resources[row.resource]?.service ?? ''
      const severity = severityBucket(row.severityNumber, row.severityText)
      const key = `${tenant}${NUL}${service}${NUL}${severity}`
      const ts = logEventTimeMs(row)
      for (const { sizeMs, w } of this.#windows.sizes) {
        if (w.add(key, ts, 1) === 'accepted') continue
        out.side(
          'late',
          { tenant, service, severity, timeMs: ts, windowMs: sizeMs },
          this.#windows.lateReason,
        )
        late++
      }
    }
    this.#windows.flushUpdates()
    if (late > 0) ctx.count('late', late)
    this.#windows.drain(out)
  }

  onWatermark(timeMs: number, _ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.#windows.advanceWatermark(timeMs)
    this.#windows.drain(out)
  }

  /** Bounded input ended (a replay): every open window fires, final. */
  onEnd(ctx: OperatorContext, out: Collector<ResultRow[]>): void {
    this.onWatermark(Number.MAX_SAFE_INTEGER, ctx, out)
  }

  /** One encoded windows snapshot per window size, in `windowsMs` order. */
  snapshot(): Uint8Array[] {
    return this.#windows.snapshot()
  }

  /** Replaces the whole state. Throws on damaged parts or parts of another window configuration. */
  restore(parts: readonly Uint8Array[]): void {
    this.#windows.restore(parts)
  }
}

/** A record's event time: `time`, else `observedTime` (OTLP: 0 = unknown); NaN when neither is known. */
export function logEventTimeMs(row: LogRow): number {
  if (row.timeMs !== 0) return row.timeMs
  if (row.observedTimeMs !== 0) return row.observedTimeMs
  return NaN
}

/** The batch's largest event time (`logEventTimeMs`), for the task's watermark; −Infinity if none. */
export function maxLogTimeMs(batch: LogBatch): number {
  let max = Number.NEGATIVE_INFINITY
  for (const row of batch.rows) {
    const t = logEventTimeMs(row)
    if (t > max) max = t
  }
  return max
}

function checkSizes(sizesMs: readonly number[]): void {
  const problems: string[] = []
  if (sizesMs.length === 0) problems.push('windowsMs must name at least one window size')
  for (const size of sizesMs) {
    if (!Number.isSafeInteger(size) || size <= 0)
      problems.push(`window size ${size} is not a positive integer`)
  }
  if (new Set(sizesMs).size !== sizesMs.length) problems.push('windowsMs repeats a size')
  if (problems.length > 0) {
    throw new PipelineError(`invalid log-counts settings: ${problems.join('; ')}`, {
      code: 'invalid_log_counts_config',
      domain: 'user',
      retryable: false,
    })
  }
}
