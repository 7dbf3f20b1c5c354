import type { DeadLetterRecord } from '../../dead-letter/dead-letter-record.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'

/** A decoded request made ready for the log: encoded groups per service, plus limit rejects. */
export interface PreparedRequest {
  readonly groups: readonly EncodedGroup[]
  /** Records refused by a limit applied here (series cardinality), as dead-letter records. */
  readonly limitRejects: readonly DeadLetterRecord[]
  readonly limitRejected: number
  readonly limitMessage: string
}
