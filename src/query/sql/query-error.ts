/**
 * The two ways a query request fails through no fault of the store: a bad parameter (400) and a
 * query that ran out of time (503). Routes map `status` to the HTTP status and `message` to the body.
 */

/** A request parameter is malformed or out of range; the message names the parameter and the problem. */
export class QueryParamError extends Error {
  readonly status = 400
  /** The offending parameter, e.g. `start` or `attr`. */
  readonly param: string

  constructor(param: string, problem: string) {
    super(`${param}: ${problem}`)
    this.name = 'QueryParamError'
    this.param = param
  }
}

/** A query was interrupted at its deadline; the message says the timeout and how to narrow the query. */
export class QueryTimeoutError extends Error {
  readonly status = 503
  readonly timeoutMs: number

  constructor(timeoutMs: number, hint: string, options?: { cause?: unknown }) {
    super(`query timed out after ${timeoutMs} ms and was cancelled; ${hint}`, options)
    this.name = 'QueryTimeoutError'
    this.timeoutMs = timeoutMs
  }
}
