/**
 * Why samples of an otherwise valid request were not accepted. Each rejected series counts its
 * samples and native histograms under one reason; the rest of the request is accepted.
 */
export const rejectReasons = [
  'too_many_labels',
  'label_name_too_long',
  'label_value_too_long',
  'invalid_label_name',
  'duplicate_label_name',
  'missing_metric_name',
  'invalid_utf8',
  'unsupported_native_histogram',
] as const
export type RejectReason = (typeof rejectReasons)[number]

export function isRejectReason(s: string): s is RejectReason {
  return (rejectReasons as readonly string[]).includes(s)
}

/** A zeroed counter per reason (always every key, so counters can be summed without checks). */
export function emptyRejectCounts(): Record<RejectReason, number> {
  const out = {} as Record<RejectReason, number>
  for (const r of rejectReasons) out[r] = 0
  return out
}
