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
  /** Exemplars seen; a MetricBatch has no place for them yet, so they are counted, not kept. */
  readonly exemplarsIgnored: number
}

export interface DecodeFailure {
  readonly ok: false
  /** What was wrong, e.g. "snappy: corrupt input …", "truncated TimeSeries at byte 1234". */
  readonly reason: string
}

/** How many reject details a result carries at most. */
export const MAX_REJECT_DETAILS = 8
