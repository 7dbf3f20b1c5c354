import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { AlertServiceStatus } from '../alert/index.js'
import type { DeliveryCounters } from '../notify/index.js'

/**
 * Exports alerting and notification figures on /metrics, read at scrape time:
 *
 * - `vigil_alerts`: alerts tracked now (pending, firing, recently resolved; all tenants);
 * - `vigil_alert_evaluations_total`, `vigil_alert_anomalies_observed_total`,
 *   `vigil_alert_state_changes_total`, `vigil_alert_notifications_total` (grouped notifications
 *   produced), `vigil_alert_rule_errors_total` (failed Prometheus rule evaluations);
 * - `vigil_notify_deliveries_total{receiver, outcome}`: delivered, failed, and dropped by reason
 *   (`dropped_queue_full`, `dropped_unknown_receiver`, …); `vigil_notify_attempts_total{receiver}`.
 */
export function registerAlertMetrics(
  registry: Registry,
  alerting: () => AlertServiceStatus | undefined,
  deliveries: () => ReadonlyMap<string, DeliveryCounters>,
): void {
  const counter = (name: string, help: string, value: (s: AlertServiceStatus) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset()
        const s = alerting()
        if (s !== undefined) this.inc(value(s))
      },
    })
  }
  new Gauge({
    name: 'vigil_alerts',
    help: 'Alerts tracked now (pending, firing, recently resolved).',
    registers: [registry],
    collect() {
      this.set(alerting()?.alerts ?? 0)
    },
  })
  counter('vigil_alert_evaluations_total', 'Alert evaluations run.', (s) => s.evaluations)
  counter(
    'vigil_alert_anomalies_observed_total',
    'Anomaly rows read by alerting.',
    (s) => s.anomaliesObserved,
  )
  counter('vigil_alert_state_changes_total', 'Alert state changes.', (s) => s.stateChanges)
  counter('vigil_alert_notifications_total', 'Grouped notifications produced.', (s) => s.notifications)
  counter('vigil_alert_rule_errors_total', 'Failed Prometheus rule evaluations.', (s) => s.ruleErrors)
  new Counter({
    name: 'vigil_notify_deliveries_total',
    help: 'Notifications by final outcome.',
    labelNames: ['receiver', 'outcome'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [receiver, c] of deliveries()) {
        this.inc({ receiver, outcome: 'delivered' }, c.delivered)
        this.inc({ receiver, outcome: 'failed' }, c.failed)
        for (const [reason, n] of Object.entries(c.dropped))
          this.inc({ receiver, outcome: `dropped_${reason}` }, n)
      }
    },
  })
  new Counter({
    name: 'vigil_notify_attempts_total',
    help: 'HTTP attempts of notification deliveries (attempts − notifications = retries).',
    labelNames: ['receiver'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [receiver, c] of deliveries()) this.inc({ receiver }, c.attempts)
    },
  })
}
