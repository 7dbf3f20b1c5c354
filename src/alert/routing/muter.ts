import type { Alert } from '../alert.js'
import type { Acknowledgements } from './acknowledgement.js'
import type { Inhibitor } from './inhibition.js'
import type { Silences } from './silences.js'

/** Why an alert is or is not notified right now, as the API shows it beside the alert. */
export interface AlertMarks {
  /** Ids of the active silences matching it. */
  readonly silencedBy: readonly string[]
  /** Fingerprints of the firing alerts inhibiting it. */
  readonly inhibitedBy: readonly string[]
  /** Who acknowledged its current state, or null. */
  readonly acknowledgedBy: string | null
}

/**
 * Silences and inhibition together: the `isMuted` a `Grouper` takes, and the marks of an alert
 * (Alertmanager's alert status). A muted alert stays tracked and grouped; it is only left out of
 * notifications.
 */
export class Muter {
  readonly #silences: Silences
  readonly #inhibitor: Inhibitor
  readonly #acks: Acknowledgements | undefined

  constructor(silences: Silences, inhibitor: Inhibitor, acknowledgements?: Acknowledgements) {
    this.#silences = silences
    this.#inhibitor = inhibitor
    this.#acks = acknowledgements
  }

  isMuted(alert: Alert, nowMs: number): boolean {
    return (
      this.#silences.isSilenced(alert.tenant, alert.labels, nowMs) ||
      this.#inhibitor.isInhibited(alert, nowMs)
    )
  }

  marks(alert: Alert, nowMs: number): AlertMarks {
    return {
      silencedBy: this.#silences.silencedBy(alert.tenant, alert.labels, nowMs),
      inhibitedBy: this.#inhibitor.inhibitedBy(alert, nowMs),
      acknowledgedBy: this.#acks?.current(alert)?.by ?? null,
    }
  }
}
