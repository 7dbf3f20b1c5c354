import type { Clock } from '../core/index.js'
import type { HttpOutcome } from './http-request.js'
import { NotifyError, isRetryableStatus } from './notify-errors.js'
import { backoffMs, parseRetryAfter } from './retry-policy.js'
import type { Random, RetryPolicy } from './retry-policy.js'
import type { Sleep } from './sleep.js'

/** How much of a refusing receiver's body goes into the error message. */
export const ERROR_BODY_BYTES = 256

/** What the retry loop needs besides the attempt itself; all injected. */
export interface RetryContext {
  readonly policy: RetryPolicy
  readonly clock: Clock
  readonly sleep: Sleep
  readonly random: Random
  /** Aborting stops between attempts and cuts an attempt in flight (`NOTIFY_ABORTED`). */
  readonly signal: AbortSignal
  /** Names the target in error messages, e.g. `receiver "ops" (https://hooks.example.com)`. */
  readonly target: string
}

/** The end of a delivery: delivered, or failed with the last attempt's error. Never a rejection. */
export type DeliveryAttempts =
  | { readonly kind: 'delivered'; readonly attempts: number; readonly httpStatus: number }
  | {
      readonly kind: 'failed'
      readonly attempts: number
      readonly httpStatus: number | undefined
      readonly error: NotifyError
    }

/**
 * Runs `attempt` until it answers 2xx, a failure is permanent, `policy.maxAttempts` is reached or
 * `signal` aborts; waits `backoffMs` (at least the receiver's `Retry-After`) between attempts.
 * Ownership: `attempt` must be safe to call again (same body, same idempotency key).
 */
export async function deliverWithRetry(
  attempt: () => Promise<HttpOutcome>,
  ctx: RetryContext,
): Promise<DeliveryAttempts> {
  for (let n = 1; ; n++) {
    const outcome = await attempt()
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status <= 299) {
      return { kind: 'delivered', attempts: n, httpStatus: outcome.status }
    }
    const error = attemptError(outcome, ctx)
    const failed = { kind: 'failed', attempts: n, httpStatus: error.httpStatus, error } as const
    if (!error.retryable || n >= ctx.policy.maxAttempts) return failed
    await ctx.sleep(backoffMs(ctx.policy, n, error.retryAfterMs, ctx.random), ctx.signal)
    if (ctx.signal.aborted) {
      const aborted = new NotifyError(`delivery to ${ctx.target} aborted after ${n} attempts`, {
        code: 'NOTIFY_ABORTED',
        retryable: false,
        cause: error,
      })
      return { ...failed, error: aborted }
    }
  }
}

/** Classifies a failed attempt (anything but 2xx). */
export function attemptError(outcome: HttpOutcome, ctx: Pick<RetryContext, 'clock' | 'target'>): NotifyError {
  if (outcome.kind === 'error') {
    const code =
      outcome.code === 'ABORTED'
        ? 'NOTIFY_ABORTED'
        : outcome.code === 'ETIMEDOUT'
          ? 'NOTIFY_TIMEOUT'
          : 'NOTIFY_NETWORK'
    // ERR_INVALID_*: Node refused the request itself (e.g. a bad header value); it will again
    const isRefusedLocally = outcome.code.startsWith('ERR_INVALID')
    return new NotifyError(`${ctx.target}: ${outcome.code}: ${outcome.message}`, {
      code,
      retryable: code !== 'NOTIFY_ABORTED' && !isRefusedLocally,
    })
  }
  const { status } = outcome
  const retryable = isRetryableStatus(status)
  const header = outcome.headers['retry-after']
  const retryAfterMs = retryable ? parseRetryAfter(header, ctx.clock.nowMs()) : undefined
  const text = outcome.body.subarray(0, ERROR_BODY_BYTES).toString('utf8').trim()
  const more = outcome.body.length > ERROR_BODY_BYTES || outcome.isBodyCut ? '…' : ''
  return new NotifyError(`${ctx.target} answered HTTP ${status}${text === '' ? '' : `: ${text}${more}`}`, {
    code: 'NOTIFY_HTTP_STATUS',
    retryable,
    httpStatus: status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  })
}
