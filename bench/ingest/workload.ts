import { buildPayloads } from '../../src/gen/payload-builders.js'
import type { GenSignal, MetricsProtocol } from '../../src/gen/gen-options.js'
import type { LoadTarget, PoolEntry } from './load-client.js'

/**
 * What the ingest suite sends. Bodies come from the `vigil gen` payload builders (`src/gen/`),
 * built once before any server starts: a pool of distinct requests per case (metrics requests
 * sweep the series several times, each request at its own timestamp), replayed round robin.
 */
export const protocols = ['remote_write', 'otlp_metrics', 'otlp_traces', 'otlp_logs'] as const
export type Protocol = (typeof protocols)[number]

export const servers = ['vigil', 'victoria-metrics'] as const
export type ServerKind = (typeof servers)[number]

export interface IngestCaseSpec {
  /** Matched by `--only`: `vigil/remote_write/10k`, `victoria-metrics/remote_write/100k`, `vigil/otlp_logs`. */
  readonly id: string
  readonly server: ServerKind
  readonly protocol: Protocol
  /** Distinct metric series (metrics cases only). */
  readonly series: number | undefined
  /** Records per request: samples, spans or log lines. */
  readonly batch: number
  /** What a record is, for the table: samples, spans, lines. */
  readonly unit: string
}

export interface IngestBenchPlan {
  readonly runs: number
  readonly warmupSeconds: number
  readonly seconds: number
  /** Connection counts tried on the first run of each case; the best is used for every run. */
  readonly connectionCandidates: readonly number[]
  readonly probeSeconds: number
  /** Series counts of the metrics cases (small, large). */
  readonly seriesCounts: readonly number[]
  readonly metricsBatch: number
  readonly recordsBatch: number
  /** Least pool size, and how many sweeps over the series a metrics pool covers. */
  readonly minPool: number
  readonly sweeps: number
  readonly services: number
}

export function ingestBenchPlan(quick: boolean, runs: number | undefined): IngestBenchPlan {
  const common = { metricsBatch: 2000, recordsBatch: 500, services: 5, sweeps: 4 }
  return quick
    ? {
        ...common,
        runs: runs ?? 1,
        warmupSeconds: 0.5,
        seconds: 2,
        connectionCandidates: [4, 8],
        probeSeconds: 0.25,
        seriesCounts: [1_000, 4_000],
        minPool: 8,
      }
    : {
        ...common,
        runs: runs ?? 3,
        warmupSeconds: 2,
        seconds: 10,
        connectionCandidates: [4, 8, 12, 16],
        probeSeconds: 2,
        seriesCounts: [10_000, 100_000],
        minPool: 64,
      }
}

export const seriesLabel = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n))

export function caseSpecs(plan: IngestBenchPlan): IngestCaseSpec[] {
  const specs: IngestCaseSpec[] = []
  const metrics = (server: ServerKind, protocol: Protocol): void => {
    for (const series of plan.seriesCounts)
      specs.push({
        id: `${server}/${protocol}/${seriesLabel(series)}`,
        server,
        protocol,
        series,
        batch: plan.metricsBatch,
        unit: 'samples',
      })
  }
  metrics('vigil', 'remote_write')
  metrics('vigil', 'otlp_metrics')
  for (const [protocol, unit] of [
    ['otlp_traces', 'spans'],
    ['otlp_logs', 'lines'],
  ] as const)
    specs.push({
      id: `vigil/${protocol}`,
      server: 'vigil',
      protocol,
      series: undefined,
      batch: plan.recordsBatch,
      unit,
    })
  metrics('victoria-metrics', 'remote_write')
  return specs
}

const PROTOBUF = 'application/x-protobuf'

export function targetFor(protocol: Protocol, port: number): LoadTarget {
  if (protocol === 'remote_write')
    return {
      port,
      path: '/api/v1/write',
      headers: {
        'content-type': PROTOBUF,
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      partialOnNonEmptyBody: false,
    }
  const path = { otlp_metrics: '/v1/metrics', otlp_traces: '/v1/traces', otlp_logs: '/v1/logs' }[protocol]
  return { port, path, headers: { 'content-type': PROTOBUF }, partialOnNonEmptyBody: true }
}

export interface Pool {
  readonly entries: readonly PoolEntry[]
  readonly bytes: number
  readonly records: number
}

/** Spacing of the timestamps of consecutive metrics requests. */
const STEP_MS = 1000

/** Pre-encodes the request pool of a case (same seed every time, so every server gets the same bytes). */
export function buildPool(spec: IngestCaseSpec, plan: IngestBenchPlan): Pool {
  const signal: GenSignal =
    spec.protocol === 'otlp_traces' ? 'traces' : spec.protocol === 'otlp_logs' ? 'logs' : 'metrics'
  const metricsProtocol: MetricsProtocol = spec.protocol === 'otlp_metrics' ? 'otlp' : 'remote_write'
  const series = spec.series ?? plan.services
  const perSweep = Math.ceil(series / plan.metricsBatch)
  const count = signal === 'metrics' ? Math.max(plan.minPool, plan.sweeps * perSweep) : plan.minPool
  const startMs = Date.now() - count * STEP_MS
  const payloads = buildPayloads(
    {
      signals: [signal],
      metricsProtocol,
      services: plan.services,
      series,
      incidents: [],
      seed: 1,
      batch: { metrics: plan.metricsBatch, logs: plan.recordsBatch, traces: plan.recordsBatch },
    },
    count,
    startMs,
    STEP_MS,
  )
  const entries = payloads.map((p) => ({ body: p.body, records: p.records }))
  return {
    entries,
    bytes: entries.reduce((sum, e) => sum + e.body.length, 0),
    records: entries.reduce((sum, e) => sum + e.records, 0),
  }
}
