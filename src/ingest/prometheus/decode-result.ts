import type { MetricBatch } from '../../core/batch/index.js'
import type { RejectReason } from './reject-reason.js'

/**
 * The outcome of decoding one remote_write request: a value, never a throw (STYLE.md §6).
 * `ok: false` means the request as a whole is unusable (HTTP 400 / 413); `ok: true` may still
 * carry rejected series, counted per reason, while everything else was accepted into `batch`.
 */
export type DecodeResult = DecodeSuccess | DecodeFailure

export interface DecodeSuccess {
  readonly ok: true
  readonly batch: MetricBatch
  /** Samples plus native histograms in the request; always `batch.length + rejected`. */
  readonly received: number
  /** Samples plus native histograms not accepted, the sum of `rejectReasons`. */
  readonly rejected: number
  /** Rejected samples/histograms per reason (every reason present, zero when unused). */
  readonly rejectReasons: Readonly<Record<RejectReason, number>>
  /** The first few rejects as sentences naming the series and the problem, for responses and logs. */
  readonly rejectDetails: readonly string[]
  /**
   * Every rejected TimeSeries that carried samples or native histograms, with its original bytes,
   * so the receiver can dead-letter it (DESIGN.md §4.3). `records` of all entries sum to `rejected`.
   */
  readonly rejects: readonly RejectedSeries[]
  /** Exemplars seen; a MetricBatch has no place for them yet, so they are counted, not kept. */
  readonly exemplarsIgnored: number
}

/** A rejected TimeSeries: why, which, how many records, and the message as received. */
export interface RejectedSeries {
  readonly reason: RejectReason
  /** Its labels as in `rejectDetails`, e.g. `{__name__="x", job="1"}` (the first 8 labels). */
  readonly series: string
  /** Samples plus native histograms of this series counted in `rejected`. */
  readonly records: number
  /**
   * The TimeSeries message bytes as received (a copy, not a view of the request). For
   * `unsupported_native_histogram` they include the series' float samples, which were accepted.
   */
  readonly payload: Uint8Array
}

export interface DecodeFailure {
  readonly ok: false
  /** What was wrong, e.g. "snappy: corrupt input …", "truncated TimeSeries at byte 1234". */
  readonly reason: string
}

/** How many reject details a result carries at most. */
export const MAX_REJECT_DETAILS = 8
