import { stateChangedAtMs } from '../alert.js'
import type { Alert } from '../alert.js'

/** Someone took an alert on. */
export interface Acknowledgement {
  readonly tenant: string
  readonly fingerprint: string
  readonly by: string
  readonly comment: string
  readonly atMs: number
}

export interface AcknowledgementsOptions {
  /** Most acknowledgements kept (all tenants); past it the oldest is evicted and counted. Default 10,000. */
  readonly maxEntries?: number
}

/**
 * Acknowledgements by tenant and fingerprint. An acknowledgement covers the alert's current state
 * only: it holds while the alert's last state change is not later than the acknowledgement, so an
 * acknowledged alert that resolves, or resolves and fires again, is unacknowledged without anyone
 * clearing it. An acknowledged firing alert is still notified when its group changes, but does not
 * make its group repeat (`Grouper`'s `isAcknowledged`).
 */
export class Acknowledgements {
  readonly #max: number
  readonly #acks = new Map<string, Acknowledgement>()
  #evicted = 0

  constructor(options: AcknowledgementsOptions = {}) {
    this.#max = options.maxEntries ?? 10_000
  }

  /** Acknowledgements evicted because `maxEntries` was reached. */
  get evicted(): number {
    return this.#evicted
  }

  /** Records (or replaces) an acknowledgement at `nowMs`. */
  acknowledge(ack: Omit<Acknowledgement, 'atMs'>, nowMs: number): Acknowledgement {
    const key = keyOf(ack.tenant, ack.fingerprint)
    const record: Acknowledgement = { ...ack, atMs: nowMs }
    this.#acks.delete(key) // re-inserted last: the map's order is the eviction order
    this.#acks.set(key, record)
    if (this.#acks.size > this.#max) {
      this.#acks.delete(this.#acks.keys().next().value!)
      this.#evicted++
    }
    return record
  }

  unacknowledge(tenant: string, fingerprint: string): boolean {
    return this.#acks.delete(keyOf(tenant, fingerprint))
  }

  get(tenant: string, fingerprint: string): Acknowledgement | undefined {
    return this.#acks.get(keyOf(tenant, fingerprint))
  }

  /** The acknowledgement covering the alert's current state, if any. */
  current(alert: Alert): Acknowledgement | undefined {
    const ack = this.#acks.get(keyOf(alert.tenant, alert.fingerprint))
    return ack !== undefined && ack.atMs >= stateChangedAtMs(alert) ? ack : undefined
  }

  isAcknowledged(alert: Alert): boolean {
    return this.current(alert) !== undefined
  }
}

function keyOf(tenant: string, fingerprint: string): string {
  return `${tenant}\u0000${fingerprint}`
}
