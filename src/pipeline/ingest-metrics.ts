import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { IngestStatus } from '../ingest/http/index.js'

/**
 * Exports the ingest ledger and admission state on /metrics, read from `status()` at scrape time:
 *
 * - `vigil_ingest_records_total{tenant,signal,outcome}` with outcome received | accepted |
 *   dead_lettered | dropped — per tenant and signal, received = accepted + dead_lettered + dropped;
 * - `vigil_ingest_dead_lettered_records_total{tenant,signal,reason}`,
 *   `vigil_ingest_dropped_records_total{tenant,signal,reason}`;
 * - `vigil_ingest_requests_total{protocol,code}`, `vigil_ingest_refused_requests_total{protocol,reason}`;
 * - gauges for requests and bytes in flight, tenants tracked and the largest consumer lag.
 *
 * The tenant label is bounded by `ingest.limits.maxTenants`.
 */
export function registerIngestMetrics(registry: Registry, status: () => IngestStatus): void {
  new Counter({
    name: 'vigil_ingest_records_total',
    help: 'Ingest records (samples, log records, spans, events) by tenant, signal and outcome.',
    labelNames: ['tenant', 'signal', 'outcome'],
    registers: [registry],
    collect() {
      this.reset()
      for (const r of status().ledger) {
        this.inc({ tenant: r.tenant, signal: r.signal, outcome: 'received' }, r.received)
        this.inc({ tenant: r.tenant, signal: r.signal, outcome: 'accepted' }, r.accepted)
        this.inc({ tenant: r.tenant, signal: r.signal, outcome: 'dead_lettered' }, r.deadLettered)
        this.inc({ tenant: r.tenant, signal: r.signal, outcome: 'dropped' }, r.dropped)
      }
    },
  })
  new Counter({
    name: 'vigil_ingest_dead_lettered_records_total',
    help: 'Records sent to the dead-letter topic, by tenant, signal and reason.',
    labelNames: ['tenant', 'signal', 'reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const r of status().ledger) {
        for (const [reason, n] of Object.entries(r.deadLetteredByReason)) {
          this.inc({ tenant: r.tenant, signal: r.signal, reason }, n)
        }
      }
    },
  })
  new Counter({
    name: 'vigil_ingest_dropped_records_total',
    help: 'Records neither stored nor dead-lettered, by tenant, signal and reason.',
    labelNames: ['tenant', 'signal', 'reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const r of status().ledger) {
        for (const [reason, n] of Object.entries(r.droppedByReason)) {
          this.inc({ tenant: r.tenant, signal: r.signal, reason }, n)
        }
      }
    },
  })
  new Counter({
    name: 'vigil_ingest_requests_total',
    help: 'Ingest requests answered, by protocol and HTTP status code.',
    labelNames: ['protocol', 'code'],
    registers: [registry],
    collect() {
      this.reset()
      for (const r of status().requests) this.inc({ protocol: r.protocol, code: String(r.status) }, r.count)
    },
  })
  new Counter({
    name: 'vigil_ingest_refused_requests_total',
    help: 'Ingest requests refused as a whole, by protocol and reason (e.g. rate_limited, body_too_large).',
    labelNames: ['protocol', 'reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const r of status().refusals) this.inc({ protocol: r.protocol, reason: r.reason }, r.count)
    },
  })
  const gauges: [string, string, (s: IngestStatus) => number][] = [
    ['vigil_ingest_requests_in_flight', 'Ingest requests being processed.', (s) => s.inFlight.requests],
    [
      'vigil_ingest_bytes_in_flight',
      'Request bytes held by requests being processed.',
      (s) => s.inFlight.bytes,
    ],
    ['vigil_ingest_tenants', 'Tenants tracked by ingest limits.', (s) => s.tenants],
    [
      'vigil_ingest_max_consumer_lag_records',
      'Largest consumer-group lag on an ingest partition.',
      (s) => s.maxConsumerLag,
    ],
  ]
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(status()))
      },
    })
  }
}
