import { PipelineError } from '../../core/index.js'

/** Why a whole request was refused; the key of `vigil_ingest_refused_requests_total`. */
export const refusalReasons = [
  'method_not_allowed',
  'unauthenticated',
  'forbidden',
  'bad_tenant',
  'too_many_tenants',
  'rate_limited',
  'overloaded',
  'consumer_lag',
  'memory',
  'body_too_large',
  'decompressed_too_large',
  'unsupported_encoding',
  'unsupported_media_type',
  'malformed',
  'bad_stream',
  'all_rejected',
  'log_unavailable',
  'aborted',
] as const
export type RefusalReason = (typeof refusalReasons)[number]

/**
 * A request refused as a whole, carrying its HTTP status (Hono's HTTPException, STYLE.md §1). The
 * server turns it into the protocol's error body (google.rpc.Status for OTLP, text for
 * remote_write and Loki, JSON for events) with `Retry-After` when set.
 */
export class IngestHttpError extends PipelineError {
  readonly status: number
  readonly reason: RefusalReason
  readonly retryAfterSeconds: number | undefined

  constructor(
    status: number,
    reason: RefusalReason,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, {
      code: `INGEST_${reason.toUpperCase()}`,
      domain: status >= 500 ? 'external' : 'user',
      retryable: status === 429 || status === 503,
      cause: options.cause,
    })
    this.status = status
    this.reason = reason
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}
