/**
 * One base error for the whole pipeline (STYLE.md §6). Every error is classified where it is thrown:
 * a stable `code`, a `domain` saying whose fault it is, and whether retrying the same call can help.
 * Code across module boundaries asks `isRetryable(err)` / `isPermanent(err)`, never `instanceof`.
 */
export const errorDomains = ['user', 'external', 'internal'] as const
export type ErrorDomain = (typeof errorDomains)[number]

export interface PipelineErrorOptions {
  readonly code: string
  readonly domain: ErrorDomain
  readonly retryable: boolean
  readonly cause?: unknown
}

export class PipelineError extends Error {
  readonly code: string
  readonly domain: ErrorDomain
  readonly retryable: boolean

  constructor(message: string, options: PipelineErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.domain = options.domain
    this.retryable = options.retryable
  }
}

/** Walks the `cause` chain; the first PipelineError found decides. Unknown errors are not retryable. */
export function isRetryable(err: unknown): boolean {
  return findPipelineError(err)?.retryable ?? false
}

/** True when retrying cannot help (the opposite of `isRetryable`, for readability at call sites). */
export function isPermanent(err: unknown): boolean {
  return !isRetryable(err)
}

/** The `code` of the first PipelineError on the `cause` chain, if any. */
export function errorCode(err: unknown): string | undefined {
  return findPipelineError(err)?.code
}

/** The first PipelineError on the `cause` chain of `err` (itself included), if any. */
export function findPipelineError(err: unknown): PipelineError | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 16 && current !== undefined && current !== null; depth++) {
    if (current instanceof PipelineError) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}
