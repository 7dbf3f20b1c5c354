import type { TenantLimits } from '../../limits/tenant-limits.js'
import type { IngestBatch } from '../endpoint.js'
import { prepareMetrics } from './prepare-metrics.js'
import type { PreparedRequest } from './prepared.js'

/** Limits and per-service encoding for any signal's batch. */
export function prepare(batch: IngestBatch, limits: TenantLimits, nowMs: number): PreparedRequest {
  switch (batch.kind) {
    case 'metrics':
      return prepareMetrics(batch, limits, nowMs)
    default:
      throw new Error(`ingest of ${batch.kind} batches is not wired yet`)
  }
}
