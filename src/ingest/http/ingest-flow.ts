import type { DeadLetterRecord } from '../dead-letter/dead-letter-record.js'
import type { IngestLedger, Signal } from '../ledger/ingest-ledger.js'
import type { TenantLimits } from '../limits/tenant-limits.js'
import type { IngestWriter } from '../writer/ingest-writer.js'
import type { DecodeService } from './decode/decode-service.js'
import { applySeriesLimit } from './decode/series-limit.js'
import type { IngestRequest, IngestSummary } from './endpoint.js'
import { IngestHttpError } from './http-error.js'

export interface IngestFlowDeps {
  readonly decoder: DecodeService
  readonly limits: TenantLimits
  readonly writer: IngestWriter
  readonly ledger: IngestLedger
  readonly retryAfterSeconds: number
}

/**
 * Steps 9–12 of a request (see IngestServer): decode and encode (on a decode thread), apply the
 * series limit, append the accepted batches and the dead-letter records (in parallel; both must
 * settle before answering), book the outcome in the conservation ledger, and say what to answer.
 * A failed append of accepted records answers 503 (the client retries; the records count as
 * dropped `log_append_failed` for this attempt). A failed dead-letter append drops those records
 * with reason `dead_letter_failed` but does not fail the request.
 */
export async function ingestRequest(
  route: string,
  signal: Signal,
  body: Buffer,
  req: IngestRequest,
  deps: IngestFlowDeps,
): Promise<IngestSummary> {
  const ready = await deps.decoder.decode(route, body, req)
  const limited = applySeriesLimit(ready, req.tenant, deps.limits, req.receivedAtMs)
  const deadLetters: DeadLetterRecord[] = [...ready.rejects, ...limited.deadLetters]
  const [appended, dead] = await Promise.all([
    deps.writer.append(signal, req.tenant, limited.groups),
    deadLetters.length === 0 ? undefined : deps.writer.deadLetter(deadLetters),
  ])
  const deadLettered = new Map<string, number>()
  const dropped = new Map<string, number>()
  if (dead === undefined || dead.failed === 0) {
    for (const r of deadLetters) deadLettered.set(r.reason, (deadLettered.get(r.reason) ?? 0) + r.records)
  } else {
    // Which entries of a failed partition append were lost is not reported; with one failure every
    // entry of this request is booked as dropped (conservative).
    const total = deadLetters.reduce((n, r) => n + r.records, 0)
    dropped.set('dead_letter_failed', total)
  }
  if (appended.failed > 0) dropped.set('log_append_failed', appended.failed)
  const rejected = ready.rejected + limited.refused
  const received = appended.written + appended.failed + rejected
  deps.ledger.record(req.tenant, signal, { received, accepted: appended.written, deadLettered, dropped })
  if (appended.failed > 0) {
    const why = appended.error instanceof Error ? appended.error.message : String(appended.error)
    throw new IngestHttpError(
      503,
      'log_unavailable',
      `The log could not store this request (${why}); retry later.`,
      {
        retryAfterSeconds: deps.retryAfterSeconds,
        cause: appended.error,
      },
    )
  }
  const message = [ready.rejectMessage, limited.message].filter((m) => m !== '').join('; ')
  const rejectList = deadLetters.slice(0, 20).map((r) => ({ reason: r.reason, detail: r.detail }))
  return { received, accepted: appended.written, rejected, message, rejectList }
}
