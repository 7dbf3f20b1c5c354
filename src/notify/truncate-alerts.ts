import { commonEntries, groupStatus } from './webhook-payload.js'
import type { WebhookPayload } from './webhook-payload.js'

/**
 * A receiver's `maxAlerts` applied as Alertmanager 0.25 applies `max_alerts`: keep the first
 * `maxAlerts` alerts, count the rest in `truncatedAlerts`, and compute `status`, `commonLabels` and
 * `commonAnnotations` from the alerts kept (Alertmanager builds its template data after truncating).
 * `maxAlerts` 0 means no limit. Returns the same object when nothing is cut. Pure.
 *
 * Because `status` follows the kept alerts, a group whose only firing alert is cut reads
 * `resolved`; the alert module lists firing alerts first so that cannot happen.
 */
export function truncateAlerts(payload: WebhookPayload, maxAlerts: number): WebhookPayload {
  if (maxAlerts <= 0 || payload.alerts.length <= maxAlerts) return payload
  const kept = payload.alerts.slice(0, maxAlerts)
  return {
    ...payload,
    alerts: kept,
    status: groupStatus(kept),
    commonLabels: commonEntries(kept.map((a) => a.labels)),
    commonAnnotations: commonEntries(kept.map((a) => a.annotations)),
    truncatedAlerts: payload.truncatedAlerts + (payload.alerts.length - maxAlerts),
  }
}
