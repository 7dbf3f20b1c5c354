/**
 * The Alertmanager webhook payload, version "4" (Alertmanager 0.25 `notify/webhook` `Message`, which
 * embeds `template.Data`). Field names and meanings are exactly Alertmanager's, so any receiver
 * written for Alertmanager's `webhook_configs` accepts what Vigil sends. The alert module builds
 * these; notify only truncates (`maxAlerts`) and encodes them (see `encodeWebhookPayload`).
 *
 * Times are RFC 3339 strings as Go writes them (`2024-05-01T12:00:00.123Z`); a firing alert's
 * `endsAt` is Go's zero time, `0001-01-01T00:00:00Z` (`ZERO_TIME`).
 */
export const alertStatuses = ['firing', 'resolved'] as const
export type AlertStatus = (typeof alertStatuses)[number]

/** Go's zero `time.Time` as Alertmanager marshals it: the `endsAt` of an alert with no known end. */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/** Label or annotation names to values (Alertmanager's `template.KV`). */
export type KV = Readonly<Record<string, string>>

/** One alert in a webhook payload (Alertmanager's `template.Alert`). */
export interface WebhookAlert {
  readonly status: AlertStatus
  readonly labels: KV
  readonly annotations: KV
  /** RFC 3339. */
  readonly startsAt: string
  /** RFC 3339; `ZERO_TIME` while firing with no known end. */
  readonly endsAt: string
  readonly generatorURL: string
  /** Identifies the label set (Alertmanager: 16 hex digits of a hash of the labels). */
  readonly fingerprint: string
}

/** The JSON body POSTed to a webhook (Alertmanager's `webhook.Message`, version "4"). */
export interface WebhookPayload {
  readonly version: '4'
  /** The receiver's name (notify routes a notification to the receiver of this name). */
  readonly receiver: string
  /** `firing` when at least one alert fires, else `resolved`. */
  readonly status: AlertStatus
  readonly alerts: readonly WebhookAlert[]
  readonly groupLabels: KV
  /** Labels all `alerts` share (same name and value). */
  readonly commonLabels: KV
  /** Annotations all `alerts` share. */
  readonly commonAnnotations: KV
  /** Where the sender's UI is (Alertmanager: its own external URL). */
  readonly externalURL: string
  /** Identifies the alert group, stable over the group's life. */
  readonly groupKey: string
  /** How many alerts were left out because of the receiver's `maxAlerts` (0: none). */
  readonly truncatedAlerts: number
}

/**
 * One state change of one alert group, to be delivered to the receiver named `payload.receiver`.
 *
 * `idempotencyKey` identifies the state change, not the attempt: the alert module derives it from
 * the change (tenant, group key, the alerts' states) so it is the same on every retry and on any
 * re-send of that change, and different for the next change. Receivers drop a key they have seen.
 * It travels in the `Idempotency-Key` header, never in the body (the body stays Alertmanager's).
 */
export interface Notification {
  /** Printable ASCII, 1–255 characters (it becomes an HTTP header value). */
  readonly idempotencyKey: string
  /** The tenant the alerts belong to (DESIGN.md §4.6); receivers may be limited to some tenants. */
  readonly tenant: string
  readonly payload: WebhookPayload
}

/** `firing` when at least one alert fires, else `resolved` (Alertmanager's `Alerts.Status()`). */
export function groupStatus(alerts: readonly WebhookAlert[]): AlertStatus {
  return alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved'
}

/** The entries that every map in `maps` has with the same value (empty for no maps). */
export function commonEntries(maps: readonly KV[]): KV {
  const [first, ...rest] = maps
  if (first === undefined) return {}
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(first)) {
    if (rest.every((m) => Object.hasOwn(m, key) && m[key] === value)) out[key] = value
  }
  return out
}
