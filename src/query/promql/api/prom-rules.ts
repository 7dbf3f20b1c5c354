/**
 * The data of Prometheus' `GET /api/v1/rules` (Prometheus 2.42, web/api/v1/api.go), as Grafana's
 * Prometheus data source reads it. Times are RFC 3339; durations are seconds.
 */

/** An active alert of a rule: Prometheus lists pending and firing ones. */
export interface PromRuleAlert {
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly state: 'pending' | 'firing'
  readonly activeAt: string
  /** Only while a firing alert is held firing with its condition false. */
  readonly keepFiringSince?: string
  /** Go's `strconv.FormatFloat(v, 'e', -1, 64)`: `9.9e-01`, `NaN`. */
  readonly value: string
}

export interface PromAlertingRule {
  readonly type: 'alerting'
  /** `firing` when an alert fires, else `pending` when one is pending, else `inactive`. */
  readonly state: 'pending' | 'firing' | 'inactive'
  readonly name: string
  readonly query: string
  readonly duration: number
  readonly keepFiringFor: number
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly alerts: readonly PromRuleAlert[]
  readonly health: 'ok' | 'err' | 'unknown'
  readonly lastError?: string
  readonly evaluationTime: number
  readonly lastEvaluation: string
}

export interface PromRuleGroup {
  readonly name: string
  readonly file: string
  readonly rules: readonly PromAlertingRule[]
  readonly interval: number
  readonly limit: number
  readonly evaluationTime: number
  readonly lastEvaluation: string
}
