import { PipelineError } from '../../core/index.js'

/**
 * A table is full: adding one more key would pass its `maxKeys`. Permanent for this record (a
 * retry gets the same answer until keys expire or are deleted), so the operator dead-letters it
 * or counts a drop with this code as the reason.
 */
export class StateKeyLimitError extends PipelineError {
  readonly table: string
  readonly maxKeys: number

  constructor(table: string, maxKeys: number) {
    super(`State table ${table} holds its maximum of ${maxKeys} keys; the new key was rejected.`, {
      code: 'STATE_KEY_LIMIT',
      domain: 'user',
      retryable: false,
    })
    this.table = table
    this.maxKeys = maxKeys
  }
}

/** A caller broke the store's contract (a programming error, not bad data). */
export class StateUsageError extends PipelineError {
  constructor(message: string) {
    super(message, { code: 'STATE_USAGE', domain: 'internal', retryable: false })
  }
}
