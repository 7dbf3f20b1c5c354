import { routeMethod } from './topology.js'
import type { Topology } from './topology.js'

/**
 * The metric series of the simulated services, as columns. An *instrument* is one OTLP data-point
 * stream: a gauge or counter is one remote_write series, a histogram is `HISTOGRAM_SERIES`
 * (`_bucket{le}` per bound and `+Inf`, `_sum`, `_count`). Per service, in this order:
 *
 * - `process_cpu_usage` (ratio), `process_resident_memory_bytes`, `queue_depth{queue}` gauges,
 * - `http_requests_total{method,route,status}` counters (status 200, 404, 500 per route),
 * - `http_request_duration_seconds{method,route}` histograms.
 *
 * Every series also carries `service`. Routes are added while the service's share of `--series`
 * allows; what is left is filled with more `queue_depth` gauges, so the total is exact.
 */
export const instrumentKinds = ['gauge', 'counter', 'histogram'] as const
export type InstrumentKind = (typeof instrumentKinds)[number]
export const GAUGE = 0
export const COUNTER = 1
export const HISTOGRAM = 2

export const families = ['cpu', 'memory', 'queue', 'requests', 'duration'] as const
export type Family = (typeof families)[number]
export const FAMILY_CPU = 0
export const FAMILY_MEMORY = 1
export const FAMILY_QUEUE = 2
export const FAMILY_REQUESTS = 3
export const FAMILY_DURATION = 4

const FAMILY_NAME = [
  'process_cpu_usage',
  'process_resident_memory_bytes',
  'queue_depth',
  'http_requests_total',
  'http_request_duration_seconds',
] as const

/** Explicit bucket bounds (seconds) of the duration histograms. */
export const DURATION_BOUNDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const HISTOGRAM_SERIES = DURATION_BOUNDS.length + 3
const STATUSES = ['200', '404', '500'] as const
/** Status shares of a healthy route's traffic (by `STATUSES` index). */
export const STATUS_SHARE: readonly number[] = [0.95, 0.04, 0.01]
const QUEUES = ['jobs', 'emails', 'webhooks', 'exports']
const ROUTE_SERIES = STATUSES.length + HISTOGRAM_SERIES

export interface MetricCatalog {
  /** Instruments, in request order (service-major). */
  readonly length: number
  readonly kind: Uint8Array
  readonly family: Uint8Array
  readonly service: Uint16Array
  /** For requests counters: index into `STATUSES`; else 0. */
  readonly status: Uint8Array
  /** Metric name per instrument (the family's name). */
  readonly name: readonly string[]
  /** Labels per instrument without `__name__` (sorted by name), e.g. `[['route','/'],…]`. */
  readonly labels: readonly (readonly (readonly [string, string])[])[]
  /** Remote_write series per instrument (1, or `HISTOGRAM_SERIES`). */
  readonly seriesCount: Uint8Array
  /** Sum of `seriesCount`: the `--series` asked for. */
  readonly totalSeries: number
}

export function buildMetricCatalog(topology: Topology, totalSeries: number): MetricCatalog {
  const kind: number[] = []
  const family: number[] = []
  const service: number[] = []
  const status: number[] = []
  const name: string[] = []
  const labels: (readonly [string, string])[][] = []
  const add = (s: number, k: number, f: number, st: number, extra: [string, string][]): void => {
    kind.push(k)
    family.push(f)
    service.push(s)
    status.push(st)
    name.push(FAMILY_NAME[f]!)
    const all: [string, string][] = [['service', topology.services[s]!], ...extra]
    labels.push(all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
  }
  const n = topology.services.length
  for (let s = 0; s < n; s++) {
    let budget = Math.floor(totalSeries / n) + (s < totalSeries % n ? 1 : 0)
    const base: [number, [string, string][]][] = [
      [FAMILY_CPU, []],
      [FAMILY_MEMORY, []],
      [FAMILY_QUEUE, [['queue', QUEUES[0]!]]],
    ]
    for (const [f, extra] of base) {
      if (budget === 0) break
      add(s, GAUGE, f, 0, extra)
      budget--
    }
    const routeCount = Math.floor(budget / ROUTE_SERIES)
    const known = topology.routes[s] ?? []
    const routes: string[] = []
    for (let r = 0; r < routeCount; r++) routes.push(known[r] ?? `/api/r${r}`)
    for (const route of routes) {
      const method = routeMethod(route)
      STATUSES.forEach((code, st) => {
        add(s, COUNTER, FAMILY_REQUESTS, st, [
          ['method', method],
          ['route', route],
          ['status', code],
        ])
      })
    }
    for (const route of routes) {
      add(s, HISTOGRAM, FAMILY_DURATION, 0, [
        ['method', routeMethod(route)],
        ['route', route],
      ])
    }
    budget -= routeCount * ROUTE_SERIES
    for (let q = 1; q <= budget; q++) add(s, GAUGE, FAMILY_QUEUE, 0, [['queue', QUEUES[q] ?? `queue-${q}`]])
  }
  const seriesCount = Uint8Array.from(kind, (k) => (k === HISTOGRAM ? HISTOGRAM_SERIES : 1))
  return {
    length: kind.length,
    kind: Uint8Array.from(kind),
    family: Uint8Array.from(family),
    service: Uint16Array.from(service),
    status: Uint8Array.from(status),
    name,
    labels,
    seriesCount,
    totalSeries: seriesCount.reduce((a, b) => a + b, 0),
  }
}

/** The `le` label value of bucket `j` (`+Inf` for the last). */
export function bucketLe(j: number): string {
  const bound = DURATION_BOUNDS[j]
  return bound === undefined ? '+Inf' : String(bound)
}
