import type { Clock } from '../../core/index.js'
import type { DeadLetterRecord } from '../dead-letter/dead-letter-record.js'
import type { IngestLedger } from '../ledger/ingest-ledger.js'
import type { TenantLimits } from '../limits/tenant-limits.js'
import type { IngestWriter } from '../writer/ingest-writer.js'
import type { Endpoint, IngestRequest, IngestSummary } from './endpoint.js'
import { IngestHttpError } from './http-error.js'
import { prepare } from './prepare/prepare.js'

export interface IngestFlowDeps {
  readonly clock: Clock
  readonly limits: TenantLimits
  readonly writer: IngestWriter
  readonly ledger: IngestLedger
  readonly retryAfterSecondsOnFailure?: number
}

/**
 * Steps 9–12 of a request (see IngestServer): decode, apply the series limit, append the accepted
 * batches and the dead-letter records (in parallel; both must settle before answering), book the
 * outcome in the conservation ledger, and say what to answer. A failed append of accepted records
 * answers 503 (the client retries; the records count as dropped `log_append_failed` for this
 * attempt). A failed dead-letter append drops those records with reason `dead_letter_failed` but
 * does not fail the request.
 */
export async function ingestRequest(
  endpoint: Endpoint,
  body: Buffer,
  req: IngestRequest,
  deps: IngestFlowDeps,
): Promise<IngestSummary> {
  const decoded = endpoint.decode(body, req)
  const prepared = prepare(decoded.batch, deps.limits, req.receivedAtMs)
  const deadLetters: DeadLetterRecord[] = [...decoded.rejects, ...prepared.limitRejects]
  const [appended, dead] = await Promise.all([
    deps.writer.append(endpoint.signal, req.tenant, prepared.groups),
    deadLetters.length === 0 ? undefined : deps.writer.deadLetter(deadLetters),
  ])
  const deadLettered = new Map<string, number>()
  const dropped = new Map<string, number>()
  if (dead === undefined || dead.failed === 0) {
    for (const r of deadLetters) deadLettered.set(r.reason, (deadLettered.get(r.reason) ?? 0) + r.records)
  } else {
    // Appends are all-or-nothing per partition, but which entries failed is not reported; with
    // one failure every entry of this request is booked as dropped (conservative).
    const total = deadLetters.reduce((n, r) => n + r.records, 0)
    dropped.set('dead_letter_failed', total)
  }
  if (appended.failed > 0) dropped.set('log_append_failed', appended.failed)
  const rejected = decoded.rejected + prepared.limitRejected
  const received = appended.written + appended.failed + rejected
  deps.ledger.record(req.tenant, endpoint.signal, {
    received,
    accepted: appended.written,
    deadLettered,
    dropped,
  })
  if (appended.failed > 0) {
    throw new IngestHttpError(
      503,
      'log_unavailable',
      `The log could not store this request (${String((appended.error as Error | undefined)?.message ?? appended.error)}); retry later.`,
      { retryAfterSeconds: deps.retryAfterSecondsOnFailure ?? 1, cause: appended.error },
    )
  }
  const message = [decoded.rejectMessage, prepared.limitMessage].filter((m) => m !== '').join('; ')
  if (rejected > 0 && appended.written === 0 && received === rejected) {
    return { received, accepted: 0, rejected, message: `Nothing was accepted: ${message}` }
  }
  return { received, accepted: appended.written, rejected, message }
}
