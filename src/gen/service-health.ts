import type { IncidentSchedule } from './incident.js'
import type { Topology } from './topology.js'

/**
 * How an injected `latency` incident shows per service at a moment: the service itself is
 * `LATENCY_FACTOR`× slower and fails `ERROR_BURST_SHARE` of its requests; its direct callers wait
 * on it (`CALLER_LATENCY_FACTOR`) and pass the errors on. Shared by metrics, logs and traces so
 * the three signals tell the same story.
 */
export const LATENCY_FACTOR = 8
export const CALLER_LATENCY_FACTOR = 3
export const ERROR_BURST_SHARE = 0.3
/** Error share of a healthy request (traces and logs; metrics use `STATUS_SHARE`). */
export const BASE_ERROR_SHARE = 0.01

export class ServiceHealth {
  readonly #topology: Topology
  readonly #incidents: IncidentSchedule

  constructor(topology: Topology, incidents: IncidentSchedule) {
    this.#topology = topology
    this.#incidents = incidents
  }

  /** Multiplier on the service's latency at `tsMs` (1 when healthy). */
  latencyFactor(service: number, tsMs: number): number {
    if (this.#incidents.isEmpty) return 1
    if (this.#incidents.isActive('latency', service, tsMs)) return LATENCY_FACTOR
    for (const callee of this.#topology.callees[service] ?? []) {
      if (this.#incidents.isActive('latency', callee, tsMs)) return CALLER_LATENCY_FACTOR
    }
    return 1
  }

  /** Share of the service's requests that fail at `tsMs`. */
  errorShare(service: number, tsMs: number): number {
    return this.latencyFactor(service, tsMs) > 1 ? ERROR_BURST_SHARE : BASE_ERROR_SHARE
  }

  isActive(kind: 'spike' | 'level-shift' | 'new-log-pattern', service: number, tsMs: number): boolean {
    return !this.#incidents.isEmpty && this.#incidents.isActive(kind, service, tsMs)
  }
}
