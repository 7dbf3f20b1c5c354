import { encodeEventBatch, encodeLogBatch, encodeSpanBatch } from '../../../core/batch/index.js'
import type { EventBatch, LogBatch, SpanBatch } from '../../../core/batch/index.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'
import type { PreparedRequest } from './prepared.js'

const noLimitRejects = { limitRejects: [], limitRejected: 0, limitMessage: '' } as const

/**
 * Splits a log or span batch by the service of each row's resource and encodes one batch per
 * service. Each part keeps the whole resource dictionary (rows keep their indexes; no row is
 * copied), which costs a few bytes when a request mixes services and nothing when it does not.
 */
export function prepareRows(batch: LogBatch | SpanBatch): PreparedRequest {
  const byService = new Map<string, (typeof batch.rows)[number][]>()
  for (const row of batch.rows) {
    const service = batch.resources[row.resource]?.service ?? ''
    let rows = byService.get(service)
    if (rows === undefined) byService.set(service, (rows = []))
    rows.push(row)
  }
  const groups: EncodedGroup[] = []
  for (const [service, rows] of byService) {
    const value =
      batch.kind === 'logs'
        ? encodeLogBatch(byService.size === 1 ? batch : { ...batch, rows: rows as LogBatch['rows'] })
        : encodeSpanBatch(byService.size === 1 ? batch : { ...batch, rows: rows as SpanBatch['rows'] })
    groups.push({ service, value, records: rows.length })
  }
  return { groups, ...noLimitRejects }
}

/** Splits an event batch by each event's service and encodes one batch per service. */
export function prepareEvents(batch: EventBatch): PreparedRequest {
  const byService = new Map<string, EventBatch['rows'][number][]>()
  for (const row of batch.rows) {
    let rows = byService.get(row.service)
    if (rows === undefined) byService.set(row.service, (rows = []))
    rows.push(row)
  }
  const groups: EncodedGroup[] = []
  for (const [service, rows] of byService) {
    groups.push({
      service,
      value: encodeEventBatch(byService.size === 1 ? batch : { ...batch, rows }),
      records: rows.length,
    })
  }
  return { groups, ...noLimitRejects }
}
