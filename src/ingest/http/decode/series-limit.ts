import { decodeMetricBatch, encodeMetricBatch, labelsHash } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import { splitMetricBatch } from '../../../core/batch/metric-batch-select.js'
import type { DeadLetterRecord } from '../../dead-letter/dead-letter-record.js'
import type { TenantLimits } from '../../limits/tenant-limits.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'
import type { ReadyRequest } from './ready-request.js'

export interface SeriesLimitOutcome {
  readonly groups: readonly EncodedGroup[]
  readonly deadLetters: readonly DeadLetterRecord[]
  /** Samples refused. */
  readonly refused: number
  readonly message: string
}

/**
 * Applies the tenant's series limit to a ready metrics request. The common case — every series
 * known or admitted — costs one set lookup per series and leaves the encoded groups untouched.
 * When some new series are refused (only at the limit), the groups are decoded, the refused series
 * taken out into one dead-letter record in the product's own batch format (replayable as is), and
 * the rest re-encoded.
 */
export function applySeriesLimit(
  ready: ReadyRequest,
  tenant: string,
  limits: TenantLimits,
  nowMs: number,
): SeriesLimitOutcome {
  const hashes = ready.seriesHashes
  if (hashes.length === 0) return { groups: ready.groups, deadLetters: [], refused: 0, message: '' }
  const admitted = new Uint8Array(hashes.length)
  const refusedSeries = limits.admitSeries(tenant, hashes, nowMs, admitted)
  if (refusedSeries === 0) return { groups: ready.groups, deadLetters: [], refused: 0, message: '' }

  const refusedHashes = new Set<number>()
  for (let i = 0; i < hashes.length; i++) if (admitted[i] === 0) refusedHashes.add(hashes[i]!)
  const groups: EncodedGroup[] = []
  const refusedParts: MetricBatch[] = []
  for (const g of ready.groups) {
    const decoded = decodeMetricBatch(g.value)
    if (!decoded.ok) throw new Error(`series limit: cannot re-read an encoded group: ${decoded.reason}`)
    const batch = decoded.batch
    const groupOf = Uint32Array.from(batch.series, (labels) =>
      refusedHashes.has(labelsHash(labels)) ? 1 : 0,
    )
    const [kept, refused] = splitMetricBatch(batch, groupOf, 2) as [MetricBatch, MetricBatch]
    const keptRecords = kept.length + kept.keptPoints.length
    if (keptRecords > 0)
      groups.push({ service: g.service, value: encodeMetricBatch(kept), records: keptRecords })
    if (refused.series.length > 0) refusedParts.push(refused)
  }
  let refused = 0
  const deadLetters: DeadLetterRecord[] = []
  const message =
    `samples of ${refusedSeries} new series refused: tenant ${tenant} is at its limit of active series ` +
    '(ingest.limits.maxSeriesPerTenant); existing series keep flowing'
  for (const part of refusedParts) {
    const records = part.length + part.keptPoints.length
    refused += records
    deadLetters.push({
      tenant,
      signal: 'metrics',
      format: 'vigil.MetricBatch',
      reason: 'series_limit',
      detail: message,
      records,
      receivedAtMs: nowMs,
      payload: encodeMetricBatch(part),
    })
  }
  return { groups, deadLetters, refused, message: `${refused} ${message}` }
}
