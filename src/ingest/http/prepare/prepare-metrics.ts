import { encodeMetricBatch, labelValue } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import { splitMetricBatch } from '../../../core/batch/metric-batch-select.js'
import type { TenantLimits } from '../../limits/tenant-limits.js'
import type { DeadLetterRecord } from '../../dead-letter/dead-letter-record.js'
import type { EncodedGroup } from '../../writer/ingest-writer.js'
import type { PreparedRequest } from './prepared.js'

/**
 * The service a metric series belongs to, for its partition: the `job` label (remote_write's
 * convention, and what the OTLP translation derives from service.namespace/service.name), else
 * `service`, else `service_name`, else ''.
 */
export function serviceOfSeries(labels: readonly string[]): string {
  return (
    labelValue(labels, 'job') ?? labelValue(labels, 'service') ?? labelValue(labels, 'service_name') ?? ''
  )
}

/**
 * Applies the tenant's series limit (refused series are set aside as one dead-letter record in the
 * product's own batch format, replayable as is), then splits what is left by service and encodes
 * one batch per service. Record counts are samples plus kept points.
 */
export function prepareMetrics(batch: MetricBatch, limits: TenantLimits, nowMs: number): PreparedRequest {
  const seriesCount = batch.series.length
  const admitted = new Uint8Array(seriesCount)
  const refusedSeries = limits.admitSeries(batch.tenant, batch.series, nowMs, admitted)

  // Group 0 = refused; groups 1… = one per service.
  const serviceIndex = new Map<string, number>()
  const services: string[] = []
  const groupOf = new Uint32Array(seriesCount)
  for (let i = 0; i < seriesCount; i++) {
    if (admitted[i] === 0) continue
    const service = serviceOfSeries(batch.series[i]!)
    let g = serviceIndex.get(service)
    if (g === undefined) {
      g = services.length + 1
      serviceIndex.set(service, g)
      services.push(service)
    }
    groupOf[i] = g
  }
  const parts = splitMetricBatch(batch, groupOf, services.length + 1)
  const groups: EncodedGroup[] = []
  for (let g = 1; g < parts.length; g++) {
    const part = parts[g]!
    const records = part.length + part.keptPoints.length
    if (records > 0) groups.push({ service: services[g - 1]!, value: encodeMetricBatch(part), records })
  }
  const refused = parts[0]!
  const limitRejected = refusedSeries === 0 ? 0 : refused.length + refused.keptPoints.length
  const limitRejects: DeadLetterRecord[] = []
  let limitMessage = ''
  if (limitRejected > 0) {
    limitMessage =
      `${limitRejected} samples of ${refusedSeries} new series refused: tenant ${batch.tenant} is at its ` +
      `limit of active series (ingest.limits.maxSeriesPerTenant); existing series keep flowing`
    limitRejects.push({
      tenant: batch.tenant,
      signal: 'metrics',
      format: 'vigil.MetricBatch',
      reason: 'series_limit',
      detail: limitMessage,
      records: limitRejected,
      receivedAtMs: nowMs,
      payload: encodeMetricBatch(refused),
    })
  }
  return { groups, limitRejects, limitRejected, limitMessage }
}
