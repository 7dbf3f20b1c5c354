import type { MetricBatch } from '../../core/batch/index.js'

/**
 * Why a data point was rejected while the rest of its request was accepted. Each reason is counted
 * per request so the receiver can answer with an OTLP partial success (`rejected_data_points` plus
 * a message) and count drops per reason.
 */
export const rejectReasons = [
  'missing_metric_name',
  'missing_timestamp',
  'missing_value',
  'too_many_labels',
  'label_name_too_long',
  'label_value_too_long',
  'invalid_histogram',
] as const
export type RejectReason = (typeof rejectReasons)[number]

/** Per-series limits; a point over any of them is rejected, not the whole request. */
export interface DecodeLimits {
  /** Labels in a final series label set, counting `__name__`, `job`, `le`, … */
  readonly maxLabelsPerSeries: number
  /** Characters in a label name (after sanitising). */
  readonly maxLabelNameLength: number
  /** Characters in a label value, including the metric name. */
  readonly maxLabelValueLength: number
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxLabelsPerSeries: 64,
  maxLabelNameLength: 256,
  maxLabelValueLength: 4096,
}

export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  return limits === undefined ? DEFAULT_DECODE_LIMITS : { ...DEFAULT_DECODE_LIMITS, ...limits }
}

/** A rejected point: its reason, its metric and its original encoding (for a dead-letter topic). */
export interface RejectedPoint {
  readonly reason: RejectReason
  readonly metric: string
  /** The data point as received: protobuf bytes, or UTF-8 JSON text for OTLP/JSON. */
  readonly payload: Uint8Array
}

export interface DecodeSuccess {
  readonly ok: true
  readonly batch: MetricBatch
  /** Data points accepted (a histogram point counts once, however many samples it became). */
  readonly accepted: number
  /** Data points rejected; `accepted + rejected` is every data point in the request. */
  readonly rejected: number
  readonly rejectReasons: Readonly<Record<RejectReason, number>>
  readonly rejects: readonly RejectedPoint[]
}

export interface DecodeFailure {
  readonly ok: false
  /** What was wrong with the request, e.g. "malformed Metric: truncated or overlong varint at byte 812". */
  readonly reason: string
}

/**
 * The outcome of decoding one OTLP metrics request: a value, never a throw (STYLE.md §6). A
 * failure means the request as a whole is unreadable (answer 400); a success may still carry
 * rejected points (answer 200 with a partial success).
 */
export type DecodeResult = DecodeSuccess | DecodeFailure

/** Counts rejects by reason while a request is decoded. */
export class RejectTally {
  readonly counts: Record<RejectReason, number> = {
    missing_metric_name: 0,
    missing_timestamp: 0,
    missing_value: 0,
    too_many_labels: 0,
    label_name_too_long: 0,
    label_value_too_long: 0,
    invalid_histogram: 0,
  }
  readonly rejects: RejectedPoint[] = []
  total = 0

  add(reason: RejectReason, metric: string, payload: Uint8Array): void {
    this.counts[reason]++
    this.total++
    this.rejects.push({ reason, metric, payload })
  }
}

/**
 * A one-line summary of the rejects for an OTLP partial-success `error_message`, e.g.
 * "2 data points rejected: too_many_labels 1, missing_timestamp 1"; empty when none were.
 */
export function describeRejects(result: DecodeSuccess): string {
  if (result.rejected === 0) return ''
  const parts = rejectReasons.filter((r) => result.rejectReasons[r] > 0)
  const noun = result.rejected === 1 ? 'data point' : 'data points'
  return `${result.rejected} ${noun} rejected: ${parts.map((r) => `${r} ${result.rejectReasons[r]}`).join(', ')}`
}
