import type { Signal } from '../ledger/ingest-ledger.js'

/**
 * The topics ingest writes: one per signal, partitioned by `hash(tenant, service)`, plus the
 * dead-letter topic. Each record value is one encoded batch (core/batch codecs) of one tenant and
 * one service; its key is `<tenant>/<service>` and its timestamp the receive time.
 */
export const INGEST_TOPICS: Readonly<Record<Signal, string>> = {
  metrics: 'vigil.ingest.metrics',
  logs: 'vigil.ingest.logs',
  traces: 'vigil.ingest.traces',
  events: 'vigil.ingest.events',
}

export const DEAD_LETTER_TOPIC = 'vigil.ingest.deadletter'

/** `<tenant>/<service>` as UTF-8 (tenant ids cannot contain `/`). */
export function recordKey(tenant: string, service: string): Buffer {
  return Buffer.from(`${tenant}/${service}`, 'utf8')
}
