/**
 * Alertmanager's webhook payload, version 4, field for field
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config): what a receiver
 * written for Alertmanager accepts unchanged. src/notify sends it; nothing Vigil-specific is added
 * inside it (tenant and idempotency key travel beside it, in `Notification`).
 */
export interface WebhookPayload {
  readonly version: '4'
  /** Identifies the group (`{}:{alertname="X"}`); stable for the group's life. */
  readonly groupKey: string
  /** Alerts left out by `maxAlertsPerNotification`. */
  readonly truncatedAlerts: number
  /** `firing` when at least one alert is firing. */
  readonly status: WebhookStatus
  readonly receiver: string
  readonly groupLabels: Readonly<Record<string, string>>
  /** Labels every alert of the notification has, with the same value. */
  readonly commonLabels: Readonly<Record<string, string>>
  readonly commonAnnotations: Readonly<Record<string, string>>
  readonly externalURL: string
  readonly alerts: readonly WebhookAlert[]
}

export type WebhookStatus = 'firing' | 'resolved'

export interface WebhookAlert {
  readonly status: WebhookStatus
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  /** RFC 3339. */
  readonly startsAt: string
  /** RFC 3339; Go's zero time `0001-01-01T00:00:00Z` while firing. */
  readonly endsAt: string
  readonly generatorURL: string
  /** Alertmanager's fingerprint of the labels (16 hex digits). */
  readonly fingerprint: string
}

/** How Go writes the zero `time.Time`: Alertmanager's `endsAt` of an alert that has not ended. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z'

/** A time as Go's JSON writes it (RFC 3339 in UTC, fraction without trailing zeros). */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z')
}
