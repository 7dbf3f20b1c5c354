import type { Clock } from '../core/index.js'
import type { DeliveryAttempts } from './deliver-with-retry.js'
import type { Random } from './retry-policy.js'
import type { Sleep } from './sleep.js'
import type { Notification } from './webhook-payload.js'

/**
 * One receiver's transport (a webhook, an Alertmanager). `deliver` makes every attempt of one
 * notification, retries included, and resolves with the outcome; it never rejects. Aborting
 * `signal` ends it early as failed (`NOTIFY_ABORTED`). A `DeliveryQueue` calls it for one
 * notification at a time, so a receiver sees state changes in order.
 */
export interface Deliverer {
  deliver(notification: Notification, signal: AbortSignal): Promise<DeliveryAttempts>
  /** Releases keep-alive sockets; call once nothing is in flight. */
  close(): void
}

/** Injected into every deliverer (STYLE.md §3): time, waiting and randomness. */
export interface DelivererSettings {
  readonly clock: Clock
  readonly sleep: Sleep
  readonly random: Random
}

export const USER_AGENT = 'Vigil-Notify/1'
