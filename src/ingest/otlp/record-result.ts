import type { RecordRejectReason } from './record-limits.js'
import { recordRejectReasons } from './record-limits.js'
import type { DecodeFailure } from './decode-result.js'

/** A rejected log record or span: its reason and its original encoding (for a dead-letter topic). */
export interface RejectedRecord {
  readonly reason: RecordRejectReason
  /** The LogRecord or Span as received: protobuf bytes, or UTF-8 JSON text for OTLP/JSON. */
  readonly payload: Uint8Array
}

export interface RecordDecodeSuccess<B> {
  readonly ok: true
  readonly batch: B
  /** Records (log records or spans) accepted: the rows of `batch`. */
  readonly accepted: number
  /** Records rejected; `accepted + rejected` is every record in the request. */
  readonly rejected: number
  readonly rejectReasons: Readonly<Record<RecordRejectReason, number>>
  readonly rejects: readonly RejectedRecord[]
}

/**
 * The outcome of decoding one OTLP logs or traces request: a value, never a throw (STYLE.md §6).
 * A failure means the request as a whole is unreadable (answer 400); a success may still carry
 * rejected records (answer 200 with a partial success).
 */
export type RecordDecodeResult<B> = RecordDecodeSuccess<B> | DecodeFailure

/** Counts rejects by reason while a request is decoded. */
export class RecordTally {
  readonly counts: Record<RecordRejectReason, number> = {
    too_many_attributes: 0,
    attribute_name_too_long: 0,
    attribute_value_too_long: 0,
    body_too_long: 0,
    invalid_trace_id: 0,
    invalid_span_id: 0,
    missing_trace_id: 0,
    missing_span_id: 0,
    invalid_time: 0,
    too_many_events: 0,
    too_many_links: 0,
  }
  readonly rejects: RejectedRecord[] = []
  total = 0

  add(reason: RecordRejectReason, payload: Uint8Array): void {
    this.counts[reason]++
    this.total++
    this.rejects.push({ reason, payload })
  }

  result<B>(batch: B, accepted: number): RecordDecodeSuccess<B> {
    return {
      ok: true,
      batch,
      accepted,
      rejected: this.total,
      rejectReasons: this.counts,
      rejects: this.rejects,
    }
  }
}

/**
 * A one-line summary of the rejects for an OTLP partial-success `error_message`, e.g.
 * "2 spans rejected: missing_trace_id 1, invalid_time 1"; empty when none were. `noun` is the
 * plural: 'log records' or 'spans'.
 */
export function describeRecordRejects(result: RecordDecodeSuccess<unknown>, noun: string): string {
  if (result.rejected === 0) return ''
  const parts = recordRejectReasons.filter((r) => result.rejectReasons[r] > 0)
  const what = result.rejected === 1 ? noun.replace(/s$/, '') : noun
  return `${result.rejected} ${what} rejected: ${parts.map((r) => `${r} ${result.rejectReasons[r]}`).join(', ')}`
}
