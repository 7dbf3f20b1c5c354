import type { TenantLimits } from '../../limits/tenant-limits.js'
import type { IngestBatch } from '../endpoint.js'
import { prepareMetrics } from './prepare-metrics.js'
import { prepareEvents, prepareRows } from './prepare-rows.js'
import type { PreparedRequest } from './prepared.js'

/** Limits and per-service encoding for any signal's batch. */
export function prepare(batch: IngestBatch, limits: TenantLimits, nowMs: number): PreparedRequest {
  switch (batch.kind) {
    case 'metrics':
      return prepareMetrics(batch, limits, nowMs)
    case 'logs':
    case 'spans':
      return prepareRows(batch)
    case 'events':
      return prepareEvents(batch)
  }
}
