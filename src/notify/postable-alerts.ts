import { ZERO_TIME } from './webhook-payload.js'
import type { KV, WebhookPayload } from './webhook-payload.js'

/**
 * An alert as Alertmanager's `POST /api/v2/alerts` takes it (`postableAlert`). Without `endsAt`
 * Alertmanager ends the alert `resolve_timeout` (default 5 m) after it last received it, so a
 * firing alert must be sent again before then (Prometheus re-sends every minute); with an
 * `endsAt` in the past the alert is resolved.
 */
export interface PostableAlert {
  readonly labels: KV
  readonly annotations: KV
  readonly startsAt?: string
  readonly endsAt?: string
  readonly generatorURL: string
}

/**
 * The alerts of a webhook payload as Alertmanager takes them: firing alerts without `endsAt`
 * (when theirs is the zero time) or with their future `endsAt`; resolved alerts with their
 * `endsAt`, or `nowIso` when the payload has none.
 */
export function postableAlerts(payload: WebhookPayload, nowIso: string): PostableAlert[] {
  return payload.alerts.map((a) => {
    const hasEnd = a.endsAt !== ZERO_TIME && a.endsAt !== ''
    const endsAt = a.status === 'resolved' ? (hasEnd ? a.endsAt : nowIso) : hasEnd ? a.endsAt : undefined
    return {
      labels: a.labels,
      annotations: a.annotations,
      ...(a.startsAt === ZERO_TIME || a.startsAt === '' ? {} : { startsAt: a.startsAt }),
      ...(endsAt === undefined ? {} : { endsAt }),
      generatorURL: a.generatorURL,
    }
  })
}
