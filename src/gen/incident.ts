/**
 * Incidents the generator can inject, so detectors have something to find. Each starts `atS`
 * seconds after the run starts and hits one service:
 *
 * - `spike`: the service's `queue_depth{queue="jobs"}` gauge jumps ×12 for `SPIKE_MS`.
 * - `level-shift`: the service's `process_resident_memory_bytes` rises by 60 % and stays there.
 * - `latency`: for `LATENCY_MS`, the service answers ~8× slower (histograms and spans) and fails
 *   30 % of its requests; its callers see the errors too (5xx counters, error spans, error logs).
 * - `new-log-pattern`: from then on, ~5 % of the service's log lines use a template never seen
 *   before ("Circuit breaker … opened …", ERROR).
 *
 * Written `KIND[@SECONDS][:SERVICE]` on the command line, e.g. `latency@120:payments`.
 */
export const incidentKinds = ['spike', 'level-shift', 'latency', 'new-log-pattern'] as const
export type IncidentKind = (typeof incidentKinds)[number]

export interface IncidentSpec {
  readonly kind: IncidentKind
  /** Seconds after the start of the run. */
  readonly atS: number
  /** Service name; undefined = the kind's default service (see `defaultIncidentService`). */
  readonly service: string | undefined
}

export const DEFAULT_INCIDENT_AT_S = 60
export const SPIKE_MS = 10_000
export const LATENCY_MS = 120_000

/** How long an incident lasts once started; `Infinity` = for the rest of the run. */
export function incidentDurationMs(kind: IncidentKind): number {
  if (kind === 'spike') return SPIKE_MS
  if (kind === 'latency') return LATENCY_MS
  return Number.POSITIVE_INFINITY
}

/** Parses `KIND[@SECONDS][:SERVICE]`; throws a RangeError naming the problem. */
export function parseIncident(text: string): IncidentSpec {
  const m = /^([a-z-]+)(?:@(\d+(?:\.\d+)?))?(?::([\w.-]+))?$/.exec(text.trim())
  const kind = m?.[1]
  if (m === null || kind === undefined || !isIncidentKind(kind)) {
    throw new RangeError(
      `incident "${text}": expected KIND[@SECONDS][:SERVICE] with KIND one of ${incidentKinds.join(', ')}`,
    )
  }
  return {
    kind,
    atS: m[2] === undefined ? DEFAULT_INCIDENT_AT_S : Number(m[2]),
    service: m[3],
  }
}

export function isIncidentKind(s: string): s is IncidentKind {
  return (incidentKinds as readonly string[]).includes(s)
}

/**
 * The service an incident hits when none is named: `latency` the third service (payments, deep
 * in the call graph, so its callers see errors), the others the second (checkout).
 */
export function defaultIncidentService(kind: IncidentKind, services: readonly string[]): string {
  const index = kind === 'latency' ? 2 : 1
  return services[Math.min(index, services.length - 1)] ?? ''
}

/**
 * Incidents resolved against the run: per service index, when each kind is active. Answering
 * "is X active for service s at t" is a few comparisons, cheap enough for per-record use.
 */
export class IncidentSchedule {
  readonly #windows: { kind: IncidentKind; service: number; fromMs: number; toMs: number }[] = []

  constructor(specs: readonly IncidentSpec[], services: readonly string[], startMs: number) {
    for (const spec of specs) {
      const name = spec.service ?? defaultIncidentService(spec.kind, services)
      const service = services.indexOf(name)
      if (service < 0) {
        throw new RangeError(`incident ${spec.kind}: unknown service "${name}" (have ${services.join(', ')})`)
      }
      const fromMs = startMs + spec.atS * 1000
      this.#windows.push({ kind: spec.kind, service, fromMs, toMs: fromMs + incidentDurationMs(spec.kind) })
    }
  }

  /** Whether `kind` hits service index `service` at `tsMs`. */
  isActive(kind: IncidentKind, service: number, tsMs: number): boolean {
    for (const w of this.#windows) {
      if (w.kind === kind && w.service === service && tsMs >= w.fromMs && tsMs < w.toMs) return true
    }
    return false
  }

  get isEmpty(): boolean {
    return this.#windows.length === 0
  }
}
