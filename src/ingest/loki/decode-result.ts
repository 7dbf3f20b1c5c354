import type { LogBatch } from '../../core/batch/index.js'

/**
 * Why log entries of an otherwise valid push request were not accepted. A stream-level problem
 * (its labels) rejects every entry of the stream under one reason; the other reasons are per entry.
 */
export const rejectReasons = [
  'invalid_labels',
  'too_many_labels',
  'label_name_too_long',
  'label_value_too_long',
  'invalid_entry',
  'invalid_timestamp',
  'line_too_long',
  'too_many_structured_metadata',
] as const
export type RejectReason = (typeof rejectReasons)[number]

export function isRejectReason(s: string): s is RejectReason {
  return (rejectReasons as readonly string[]).includes(s)
}

/** A rejected entry: its reason, its stream and its original encoding (for a dead-letter topic). */
export interface RejectedEntry {
  readonly reason: RejectReason
  /** The stream's labels as received: the selector text (protobuf) or the JSON `stream` object. */
  readonly stream: string
  /** The entry as received: EntryAdapter protobuf bytes, or the UTF-8 JSON text of the value array. */
  readonly payload: Uint8Array
}

export interface DecodeSuccess {
  readonly ok: true
  readonly batch: LogBatch
  /** Entries accepted, `batch.rows.length`. */
  readonly accepted: number
  /** Entries rejected; `accepted + rejected` is every entry in the request. */
  readonly rejected: number
  /** Rejected entries per reason (every reason present, zero when unused). */
  readonly rejectReasons: Readonly<Record<RejectReason, number>>
  readonly rejects: readonly RejectedEntry[]
}

export interface DecodeFailure {
  readonly ok: false
  /** What was wrong with the request, e.g. "streams[1].values: expected an array". */
  readonly reason: string
}

/**
 * The outcome of decoding one Loki push request: a value, never a throw (STYLE.md §6). A failure
 * means the request as a whole is unreadable (answer 400, or 413 for the size limit); a success may
 * still carry rejected entries (answer 204 and count or dead-letter them).
 */
export type DecodeResult = DecodeSuccess | DecodeFailure

/** Counts rejects by reason while a request is decoded. */
export class RejectTally {
  readonly counts = emptyRejectCounts()
  readonly rejects: RejectedEntry[] = []

  add(reason: RejectReason, stream: string, payload: Uint8Array): void {
    this.counts[reason]++
    this.rejects.push({ reason, stream, payload })
  }
}

function emptyRejectCounts(): Record<RejectReason, number> {
  const out = {} as Record<RejectReason, number>
  for (const r of rejectReasons) out[r] = 0
  return out
}
