import { PipelineError } from '../../core/index.js'
import { LABEL_NAME_RE } from '../alert-labels.js'

/** How alerts are grouped and how often a group notifies (Alertmanager's route options). */
export interface RouteConfig {
  /** The receiver named in the payloads. */
  readonly receiver: string
  /**
   * Labels whose values make a group (`group_by`); `['...']` groups by all labels (one group per
   * alert), `[]` puts all of a tenant's alerts in one group.
   */
  readonly groupBy: readonly string[]
  /** How long a new group waits for more alerts before its first notification (`group_wait`). */
  readonly groupWaitMs: number
  /** How often a group is looked at again for changes (`group_interval`). */
  readonly groupIntervalMs: number
  /** How long before an unchanged group with firing alerts is notified again (`repeat_interval`). */
  readonly repeatIntervalMs: number
  /** Whether resolved alerts are included in notifications (`send_resolved`). */
  readonly sendResolved: boolean
  /** Most alerts in one payload, the rest counted in `truncatedAlerts` (`max_alerts`); 0 = all. */
  readonly maxAlertsPerNotification: number
  /** A firing alert not handed in again for this long is taken as resolved (`resolve_timeout`). */
  readonly resolveTimeoutMs: number
  /** Most alerts the grouper holds, all tenants; more are dropped and counted. */
  readonly maxAlerts: number
}

/** Alertmanager's defaults, grouped by `alertname`. */
export const DEFAULT_ROUTE_CONFIG: RouteConfig = {
  receiver: 'default',
  groupBy: ['alertname'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  sendResolved: true,
  maxAlertsPerNotification: 0,
  resolveTimeoutMs: 5 * 60_000,
  maxAlerts: 100_000,
}

/** Checks a route config; throws a user `PipelineError` (`ALERT_ROUTE_INVALID`) listing every problem. */
export function validateRouteConfig(config: RouteConfig): RouteConfig {
  const problems: string[] = []
  if (config.receiver === '') problems.push('receiver must not be empty')
  if (config.groupBy.includes('...') && config.groupBy.length > 1) {
    problems.push("group_by: '...' must be the only entry")
  }
  for (const name of config.groupBy) {
    if (name !== '...' && !LABEL_NAME_RE.test(name))
      problems.push(`group_by: invalid label name ${JSON.stringify(name)}`)
  }
  for (const [field, ms] of [
    ['group_interval', config.groupIntervalMs],
    ['repeat_interval', config.repeatIntervalMs],
    ['resolve_timeout', config.resolveTimeoutMs],
  ] as const) {
    if (!(ms > 0)) problems.push(`${field} must be greater than 0`)
  }
  if (!(config.groupWaitMs >= 0)) problems.push('group_wait must not be negative')
  if (!(Number.isInteger(config.maxAlertsPerNotification) && config.maxAlertsPerNotification >= 0)) {
    problems.push('max_alerts must be a non-negative integer')
  }
  if (!(Number.isInteger(config.maxAlerts) && config.maxAlerts > 0))
    problems.push('maxAlerts must be a positive integer')
  if (problems.length > 0) {
    throw new PipelineError(`invalid route: ${problems.join('; ')}`, {
      code: 'ALERT_ROUTE_INVALID',
      domain: 'user',
      retryable: false,
    })
  }
  return config
}
