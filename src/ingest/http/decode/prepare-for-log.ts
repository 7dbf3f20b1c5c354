import {
  encodeEventBatch,
  encodeLogBatch,
  encodeMetricBatch,
  encodeSpanBatch,
  labelsHash,
  serviceOfLabels,
} from '../../../core/batch/index.js'
import type { EventBatch, LogBatch, MetricBatch, SpanBatch } from '../../../core/batch/index.js'
import { splitMetricBatch } from '../../../core/batch/metric-batch-select.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'
import type { DecodedRequest } from '../endpoint.js'
import type { ReadyRequest } from './ready-request.js'

const NO_HASHES = new Float64Array(0)

/** Splits a decoded request's batch by service and encodes one batch per service (see ReadyRequest). */
export function prepareForLog(decoded: DecodedRequest): ReadyRequest {
  const { batch } = decoded
  let groups: EncodedGroup[]
  let seriesHashes = NO_HASHES
  switch (batch.kind) {
    case 'metrics':
      groups = metricGroups(batch)
      seriesHashes = new Float64Array(batch.series.length)
      for (let i = 0; i < batch.series.length; i++) seriesHashes[i] = labelsHash(batch.series[i]!)
      break
    case 'logs':
    case 'spans':
      groups = rowGroups(batch)
      break
    case 'events':
      groups = eventGroups(batch)
      break
  }
  return {
    received: decoded.received,
    groups,
    rejects: decoded.rejects,
    rejected: decoded.rejected,
    rejectMessage: decoded.rejectMessage,
    seriesHashes,
  }
}

/** Record counts are samples plus kept points. */
export function metricGroups(batch: MetricBatch): EncodedGroup[] {
  const serviceIndex = new Map<string, number>()
  const services: string[] = []
  const groupOf = new Uint32Array(batch.series.length)
  for (let i = 0; i < batch.series.length; i++) {
    const service = serviceOfLabels(batch.series[i]!)
    let g = serviceIndex.get(service)
    if (g === undefined) {
      g = services.length
      serviceIndex.set(service, g)
      services.push(service)
    }
    groupOf[i] = g
  }
  const parts = services.length <= 1 ? [batch] : splitMetricBatch(batch, groupOf, services.length)
  const groups: EncodedGroup[] = []
  parts.forEach((part, g) => {
    const records = part.length + part.keptPoints.length
    if (records > 0) groups.push({ service: services[g] ?? '', value: encodeMetricBatch(part), records })
  })
  return groups
}

/**
 * Splits a log or span batch by the service of each row's resource. Each part keeps the whole
 * resource dictionary (rows keep their indexes; no row is copied), which costs a few bytes when a
 * request mixes services and nothing when it does not.
 */
function rowGroups(batch: LogBatch | SpanBatch): EncodedGroup[] {
  const byService = new Map<string, (typeof batch.rows)[number][]>()
  for (const row of batch.rows) {
    const service = batch.resources[row.resource]?.service ?? ''
    let rows = byService.get(service)
    if (rows === undefined) byService.set(service, (rows = []))
    rows.push(row)
  }
  const groups: EncodedGroup[] = []
  for (const [service, rows] of byService) {
    const whole = byService.size === 1
    const value =
      batch.kind === 'logs'
        ? encodeLogBatch(whole ? batch : { ...batch, rows: rows as LogBatch['rows'] })
        : encodeSpanBatch(whole ? batch : { ...batch, rows: rows as SpanBatch['rows'] })
    groups.push({ service, value, records: rows.length })
  }
  return groups
}

function eventGroups(batch: EventBatch): EncodedGroup[] {
  const byService = new Map<string, EventBatch['rows'][number][]>()
  for (const row of batch.rows) {
    let rows = byService.get(row.service)
    if (rows === undefined) byService.set(row.service, (rows = []))
    rows.push(row)
  }
  const groups: EncodedGroup[] = []
  for (const [service, rows] of byService) {
    const value = encodeEventBatch(byService.size === 1 ? batch : { ...batch, rows })
    groups.push({ service, value, records: rows.length })
  }
  return groups
}
