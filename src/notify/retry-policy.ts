/**
 * How a delivery is retried: at most `maxAttempts` attempts; before attempt n+1, wait
 * `min(maxBackoffMs, initialBackoffMs · 2^(n-1))` scaled by a jitter factor in [0.5, 1) (so
 * receivers recovering from an outage are not hit in step). A `Retry-After` from the receiver
 * (429/503) is honoured: the wait is at least that long, capped at `maxRetryAfterMs`.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (1: never retry). */
  readonly maxAttempts: number
  readonly initialBackoffMs: number
  readonly maxBackoffMs: number
  /** A longer `Retry-After` is cut to this (the delivery still retries). */
  readonly maxRetryAfterMs: number
}

/** Uniform in [0, 1), like `Math.random`; injected so tests are deterministic. */
export type Random = () => number

/** The wait after the `failures`-th failed attempt in a row (1-based). */
export function backoffMs(
  policy: RetryPolicy,
  failures: number,
  retryAfterMs: number | undefined,
  random: Random,
): number {
  const doublings = Math.max(0, Math.min(failures - 1, 30))
  const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** doublings)
  const jittered = Math.round(exp * (0.5 + 0.5 * random()))
  if (retryAfterMs === undefined) return jittered
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs))
}

/**
 * A `Retry-After` header as ms from `nowMs`: delay-seconds (`120`) or an HTTP date; undefined when
 * absent or unparseable (the plain backoff applies then). A date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // HTTP dates (IMF-fixdate and the two obsolete forms) start with the day name; Date.parse
  // alone would read `-5` as the year -5
  if (!/^[A-Za-z]{3}/.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
