import type { DeadLetterRecord } from '../../dead-letter/dead-letter-record.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'

/**
 * A request body decoded and encoded for the log: one batch per service, the records rejected
 * inside it as dead-letter records, and — for metrics — the hash of every series, so the tenant's
 * series limit can be applied where the tenant's state lives (the main thread) without shipping
 * label sets between threads. Built by `prepareForLog`, on a decode thread or inline.
 */
export interface ReadyRequest {
  /** Ledger records in the request: in `groups` plus `rejected`. */
  readonly received: number
  readonly groups: readonly EncodedGroup[]
  readonly rejects: readonly DeadLetterRecord[]
  readonly rejected: number
  /** One-line summary of the rejects ('' when none). */
  readonly rejectMessage: string
  /** Metrics: `labelsHash` of every series in `groups`. Empty for other signals. */
  readonly seriesHashes: Float64Array
}
