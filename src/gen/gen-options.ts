import type { IncidentSpec } from './incident.js'

/** What `vigil gen` sends. Closed sets are `as const` arrays (STYLE.md §7). */
export const genSignals = ['metrics', 'logs', 'traces'] as const
export type GenSignal = (typeof genSignals)[number]

export const metricsProtocols = ['remote_write', 'otlp'] as const
export type MetricsProtocol = (typeof metricsProtocols)[number]

/**
 * Options of one generator run. Defaults are data (`DEFAULT_GEN_OPTIONS`); `resolveGenOptions`
 * lays user values over them and checks every rule, without I/O.
 */
export interface GenOptions {
  /** Base URL of the ingest listener, e.g. `http://127.0.0.1:4318`. */
  readonly url: string
  readonly signals: readonly GenSignal[]
  readonly metricsProtocol: MetricsProtocol
  /** Number of services (each a resource with its own series, log lines and spans). */
  readonly services: number
  /** Total metric series across all services (remote_write series; a histogram is many). */
  readonly series: number
  /** Records per second per signal (samples, log lines, spans); 0 = as fast as possible. */
  readonly rate: number
  /** Seconds to run; 0 = until the abort signal. */
  readonly durationS: number
  /** Requests in flight at most (also the keep-alive socket count). */
  readonly concurrency: number
  /** Records per request, per signal (metrics never repeat a series within one request). */
  readonly batch: Readonly<Record<GenSignal, number>>
  /** Sent as `Authorization: Bearer …`. */
  readonly apiKey: string | undefined
  /** Sent as `X-Scope-OrgID`. */
  readonly tenant: string | undefined
  /** NDJSON file with one line per acknowledged (2xx) request. */
  readonly ackFile: string | undefined
  readonly incidents: readonly IncidentSpec[]
  /** Pre-encoded payloads per signal cycled instead of fresh ones (0 = always fresh). */
  readonly pool: number
  /**
   * Seed of the pseudo-random generator (same seed, same data); undefined = taken from the clock
   * at start, so two runs against one server never repeat trace or span ids.
   */
  readonly seed: number | undefined
  /** Per-request timeout. */
  readonly timeoutMs: number
}

export const DEFAULT_GEN_OPTIONS: GenOptions = {
  url: 'http://127.0.0.1:4318',
  signals: ['metrics', 'logs', 'traces'],
  metricsProtocol: 'remote_write',
  services: 5,
  series: 1000,
  rate: 0,
  durationS: 0,
  concurrency: 4,
  batch: { metrics: 2000, logs: 500, traces: 500 },
  apiKey: undefined,
  tenant: undefined,
  ackFile: undefined,
  incidents: [],
  pool: 0,
  seed: undefined,
  timeoutMs: 10_000,
}

/** A gentle stream for `vigil start --demo`: every signal, a few hundred records per second. */
export const DEMO_GEN_OPTIONS: GenOptions = {
  ...DEFAULT_GEN_OPTIONS,
  series: 300,
  rate: 200,
  concurrency: 2,
  batch: { metrics: 300, logs: 100, traces: 100 },
}

/** Pool size used with `rate: 0` and no ack file when the caller does not choose one. */
export const DEFAULT_BENCH_POOL = 32

export type GenOptionsInput = Partial<Omit<GenOptions, 'batch'>> & {
  readonly batch?: Partial<Readonly<Record<GenSignal, number>>>
}

/**
 * `DEFAULT_GEN_OPTIONS` with `input` on top, checked. Throws a `RangeError` listing every problem.
 * `pool` left unset becomes `DEFAULT_BENCH_POOL` for a `rate: 0` run without an ack file, else 0.
 */
export function resolveGenOptions(
  input: GenOptionsInput,
  base: GenOptions = DEFAULT_GEN_OPTIONS,
): GenOptions {
  const rate = input.rate ?? base.rate
  const ackFile = 'ackFile' in input ? input.ackFile : base.ackFile
  const pool = input.pool ?? (rate === 0 && ackFile === undefined ? DEFAULT_BENCH_POOL : 0)
  const options: GenOptions = {
    ...base,
    ...definedOnly(input),
    batch: { ...base.batch, ...definedOnly(input.batch ?? {}) },
    ackFile,
    pool,
  }
  const problems = checkGenOptions(options)
  if (problems.length > 0) throw new RangeError(`invalid gen options: ${problems.join('; ')}`)
  return options
}

export function checkGenOptions(o: GenOptions): string[] {
  const problems: string[] = []
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be an integer ≥ ${min}, got ${v}`)
  }
  int('services', o.services, 1)
  int('series', o.series, o.services)
  int('concurrency', o.concurrency, 1)
  int('pool', o.pool, 0)
  int('timeoutMs', o.timeoutMs, 1)
  if (o.seed !== undefined) int('seed', o.seed, 0)
  for (const s of genSignals) int(`batch.${s}`, o.batch[s], 1)
  if (!(Number.isFinite(o.rate) && o.rate >= 0)) problems.push(`rate must be ≥ 0, got ${o.rate}`)
  if (!(Number.isFinite(o.durationS) && o.durationS >= 0)) {
    problems.push(`duration must be ≥ 0 seconds, got ${o.durationS}`)
  }
  if (o.signals.length === 0) problems.push('signals must name at least one of metrics, logs, traces')
  for (const s of o.signals) if (!genSignals.includes(s)) problems.push(`unknown signal "${s}"`)
  if (!metricsProtocols.includes(o.metricsProtocol)) {
    problems.push(`metrics protocol must be remote_write or otlp, got "${o.metricsProtocol}"`)
  }
  if (!/^https?:\/\/[^/]+/.test(o.url)) problems.push(`url must be http(s)://host[:port], got "${o.url}"`)
  if (o.pool > 0 && o.ackFile !== undefined) {
    problems.push('pool repeats request identities, so it cannot be combined with an ack file')
  }
  return problems
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
