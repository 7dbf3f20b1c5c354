import type { Rng } from './rng.js'

export const BACKOFF_BASE_MS = 100
export const BACKOFF_MAX_MS = 5_000
/** A server's `Retry-After` is honoured up to this long. */
export const RETRY_AFTER_MAX_MS = 60_000

/**
 * How long to wait after the `failures`-th failure in a row: exponential from `BACKOFF_BASE_MS`
 * up to `BACKOFF_MAX_MS`, with jitter (50-100 %) so workers don't retry in step. A server's
 * `Retry-After` wins when it is longer (capped at `RETRY_AFTER_MAX_MS`).
 */
export function backoffMs(failures: number, retryAfterMs: number | undefined, rng: Rng): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)))
  const jittered = exp * (0.5 + 0.5 * rng.next())
  if (retryAfterMs === undefined) return jittered
  return Math.max(jittered, Math.min(retryAfterMs, RETRY_AFTER_MAX_MS))
}

/** `Retry-After` as ms from now: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
