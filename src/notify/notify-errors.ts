import { PipelineError } from '../core/index.js'

/**
 * Why a delivery attempt failed. Retryable: `NOTIFY_NETWORK` (connection refused/reset, DNS…),
 * `NOTIFY_TIMEOUT`, and `NOTIFY_HTTP_STATUS` for 429 and 5xx. Permanent: `NOTIFY_HTTP_STATUS` for
 * any other non-2xx (a 4xx means the request itself is wrong, so sending it again cannot help),
 * `NOTIFY_ABORTED` (shut down mid-delivery). `NOTIFY_QUERY_FAILED`: an Alertmanager read failed.
 */
export const notifyErrorCodes = [
  'NOTIFY_HTTP_STATUS',
  'NOTIFY_NETWORK',
  'NOTIFY_TIMEOUT',
  'NOTIFY_ABORTED',
  'NOTIFY_QUERY_FAILED',
] as const
export type NotifyErrorCode = (typeof notifyErrorCodes)[number]

export class NotifyError extends PipelineError {
  /** The receiver's answer status, when there was one. */
  readonly httpStatus: number | undefined
  /** From the receiver's `Retry-After`, when it sent one. */
  readonly retryAfterMs: number | undefined

  constructor(
    message: string,
    options: {
      readonly code: NotifyErrorCode
      readonly retryable: boolean
      readonly httpStatus?: number
      readonly retryAfterMs?: number
      readonly cause?: unknown
    },
  ) {
    super(message, {
      code: options.code,
      domain: 'external',
      retryable: options.retryable,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    })
    this.httpStatus = options.httpStatus
    this.retryAfterMs = options.retryAfterMs
  }
}

/** Statuses worth retrying: 429 Too Many Requests and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}
