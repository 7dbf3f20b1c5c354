import type { AlertLabels } from './alert.js'

/**
 * One alert a rule's condition currently holds for, as a rule evaluation produces it (Prometheus'
 * "active alert" before the lifecycle applies `for`): the final labels (its identity), the expanded
 * annotations and the value. `AlertTracker.update` turns the candidates of one evaluation into
 * alert states.
 */
export interface AlertCandidate {
  readonly labels: AlertLabels
  readonly annotations: AlertLabels
  readonly value: number
  /**
   * When the condition started, when the rule knows better than "this evaluation" (anomaly rules
   * know the event time of the first anomalous point). Default: the evaluation time.
   */
  readonly activeSinceMs?: number
}
