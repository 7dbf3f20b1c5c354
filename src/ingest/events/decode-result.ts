import type { EventBatch } from '../../core/batch/index.js'

/** Why a line of an otherwise valid NDJSON body was not accepted; the other lines are. */
export const rejectReasons = [
  'invalid_utf8',
  'invalid_json',
  'not_an_object',
  'line_too_long',
  'too_many_fields',
  'key_too_long',
  'value_too_long',
  'too_deep',
  'invalid_time',
] as const
export type RejectReason = (typeof rejectReasons)[number]

export function isRejectReason(s: string): s is RejectReason {
  return (rejectReasons as readonly string[]).includes(s)
}

/** A rejected line: why, where, and its bytes as received (for a dead-letter topic). */
export interface RejectedEvent {
  readonly reason: RejectReason
  /** 1-based line number in the body (blank lines count). */
  readonly line: number
  /** The line's bytes without its `\n` or `\r\n` terminator (a copy, not a view of the body). */
  readonly payload: Uint8Array
}

export interface DecodeSuccess {
  readonly ok: true
  readonly batch: EventBatch
  /** Events accepted, `batch.rows.length`. */
  readonly accepted: number
  /** Lines rejected; `accepted + rejected` is every non-blank line. */
  readonly rejected: number
  /** Rejected lines per reason (every reason present, zero when unused). */
  readonly rejectReasons: Readonly<Record<RejectReason, number>>
  readonly rejects: readonly RejectedEvent[]
}

export interface DecodeFailure {
  readonly ok: false
  /** What was wrong with the request as a whole, e.g. an invalid stream name. */
  readonly reason: string
}

/**
 * The outcome of decoding one NDJSON events request: a value, never a throw (STYLE.md §6). A
 * failure means the request as a whole is unusable (answer 400); a success may still carry
 * rejected lines.
 */
export type DecodeResult = DecodeSuccess | DecodeFailure

export function emptyRejectCounts(): Record<RejectReason, number> {
  const out = {} as Record<RejectReason, number>
  for (const r of rejectReasons) out[r] = 0
  return out
}
