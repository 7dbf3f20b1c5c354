/** Prometheus' API error types and the HTTP status each is answered with (web/api/v1/api.go). */
export const errorStatus = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  not_found: 404,
} as const
export type PromErrorType = keyof typeof errorStatus

/** An answer of `{"status":"error","errorType":…,"error":…}`. */
export class PromApiError extends Error {
  readonly errorType: PromErrorType
  readonly status: number

  constructor(errorType: PromErrorType, message: string) {
    super(message)
    this.errorType = errorType
    this.status = errorStatus[errorType]
  }

  /** `invalid parameter "name": why`, as Prometheus words a bad parameter. */
  static param(name: string, why: string): PromApiError {
    return new PromApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${why}`)
  }

  body(): string {
    return JSON.stringify({ status: 'error', errorType: this.errorType, error: this.message })
  }
}
