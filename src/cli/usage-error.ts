import { PipelineError } from '../core/index.js'

/**
 * A mistake on the command line (bad flag value, missing data dir). The CLI prints its message on
 * one line, without a stack trace, and exits non-zero.
 */
export class UsageError extends PipelineError {
  constructor(message: string, code = 'INVALID_ARGUMENT') {
    super(message, { code, domain: 'user', retryable: false })
  }
}
