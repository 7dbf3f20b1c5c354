/**
 * The alert records of Vigil's alerting (docs/alerting.md). They are flat and JSON-serialisable on
 * purpose: the store keeps them in DuckDB and the API serves them at /api/v1/alerts as they are.
 * Times are epoch milliseconds; a time that has not happened yet is `null` (never `undefined`, which
 * JSON drops).
 */

/**
 * Where an alert is in its lifecycle (Prometheus' states, with its "inactive" after firing named
 * `resolved`): `pending` while the condition holds for less than the rule's `for`, `firing` after,
 * `resolved` once the condition cleared (kept for a while so receivers see the resolution).
 */
export const alertStates = ['pending', 'firing', 'resolved'] as const
export type AlertState = (typeof alertStates)[number]

/**
 * The two kinds of rule that make alerts: Prometheus alerting rules (a PromQL `expr` evaluated on
 * the store) and anomaly rules (conditions on the detectors' scores).
 */
export const ruleKinds = ['prometheus', 'anomaly'] as const
export type RuleKind = (typeof ruleKinds)[number]

/**
 * A state in a transition: an alert's state, or `inactive` for "not tracked" (before an alert
 * first appears, and after a pending alert's condition cleared).
 */
export type TransitionState = AlertState | 'inactive'

/**
 * A label set (or annotations) as a plain object with names in sorted order (see `canonicalLabels`),
 * which is what Alertmanager's payloads and the API carry. Empty values are never stored: in
 * Prometheus an empty label value is the same as no label.
 */
export type AlertLabels = Readonly<Record<string, string>>

export interface Alert {
  /** `labelsFingerprint(labels)`: 16 hex digits, Alertmanager's fingerprint of the label set. */
  readonly fingerprint: string
  readonly tenant: string
  readonly ruleName: string
  readonly ruleKind: RuleKind
  /** The alert's identity: series labels, rule labels and `alertname`. */
  readonly labels: AlertLabels
  readonly annotations: AlertLabels
  readonly state: AlertState
  /** When the condition became true (the start of `for`). */
  readonly activeAtMs: number
  /** When the alert went firing; null while pending. */
  readonly firedAtMs: number | null
  /** When the alert resolved; null unless `state` is `resolved`. */
  readonly resolvedAtMs: number | null
  /**
   * Since when a firing alert's condition has been false while it is held firing
   * (`keep_firing_for`, or flap suppression); null while the condition holds.
   */
  readonly keepFiringSinceMs: number | null
  /** The rule's value for this alert at the last evaluation (the sample value, or the anomaly score). */
  readonly lastValue: number
  /** The time of the last evaluation that saw this alert. */
  readonly lastEvalMs: number
  /** Resolved and re-fired too often recently: held firing instead of resolving (docs/alerting.md). */
  readonly isFlapping: boolean
  /** A link back to what produced the alert (Alertmanager's `generatorURL`); '' when unknown. */
  readonly generatorURL: string
}

/**
 * One transition of one alert, as recorded in the alert history. It carries the alert's identity
 * (rule kind, labels, annotations at the transition) so the history needs no lookup: a pending alert
 * whose condition cleared is no longer tracked once its `pending → inactive` change exists.
 */
export interface AlertStateChange {
  readonly fingerprint: string
  readonly tenant: string
  readonly ruleName: string
  readonly ruleKind: RuleKind
  readonly labels: AlertLabels
  readonly annotations: AlertLabels
  readonly from: TransitionState
  readonly to: TransitionState
  readonly atMs: number
  /** The rule's value for the alert at the transition. */
  readonly value: number
}

/** The time of the alert's last state change: resolution, firing or activation. */
export function stateChangedAtMs(alert: Alert): number {
  if (alert.state === 'resolved' && alert.resolvedAtMs !== null) return alert.resolvedAtMs
  if (alert.state !== 'pending' && alert.firedAtMs !== null) return alert.firedAtMs
  return alert.activeAtMs
}
