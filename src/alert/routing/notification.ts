import { labelOf, labelSetString } from '../alert-labels.js'
import type { Alert, AlertLabels } from '../alert.js'
import { Fnv1a64 } from '../fingerprint.js'
import { GO_ZERO_TIME, formatRfc3339 } from './webhook-payload.js'
import type { WebhookAlert, WebhookPayload, WebhookStatus } from './webhook-payload.js'

/** One notification of one alert group, for src/notify to deliver. */
export interface Notification {
  readonly tenant: string
  readonly groupKey: string
  /** When the grouper produced it. */
  readonly atMs: number
  /**
   * A 16-hex-digit key equal for equal notifications, for receivers (and retries) to drop
   * duplicates: the hash of the group key, each alert's fingerprint, status and the time of the
   * state change that status comes from, and the repeat count (0 for the first notification of that
   * content, 1 for its first `repeat_interval` repeat, …), so a repeat is deliberately a new key.
   */
  readonly idempotencyKey: string
  readonly payload: WebhookPayload
}

/** An alert as one flush of a group sees it. */
export interface NotifiedAlert {
  readonly alert: Alert
  readonly status: WebhookStatus
  /** When its status began: firing = fired at; resolved = resolved at (or the resolve timeout). */
  readonly sinceMs: number
}

export interface NotificationContext {
  readonly tenant: string
  readonly groupKey: string
  readonly groupLabels: AlertLabels
  readonly receiver: string
  readonly externalURL: string
  readonly atMs: number
  readonly repeat: number
  /** 0 = all. */
  readonly maxAlerts: number
}

/** Builds the notification of a group's alerts (ordered as Alertmanager orders them). */
export function buildNotification(ctx: NotificationContext, alerts: readonly NotifiedAlert[]): Notification {
  const sorted = [...alerts].sort((a, b) => compareAlerts(a.alert.labels, b.alert.labels))
  const all = sorted.map(toWebhookAlert)
  const shown = ctx.maxAlerts > 0 ? all.slice(0, ctx.maxAlerts) : all
  const payload: WebhookPayload = {
    version: '4',
    groupKey: ctx.groupKey,
    truncatedAlerts: all.length - shown.length,
    status: all.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: ctx.receiver,
    groupLabels: ctx.groupLabels,
    commonLabels: common(all.map((a) => a.labels)),
    commonAnnotations: common(all.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
    alerts: shown,
  }
  return {
    tenant: ctx.tenant,
    groupKey: ctx.groupKey,
    atMs: ctx.atMs,
    idempotencyKey: idempotencyKey(ctx.groupKey, sorted, ctx.repeat),
    payload,
  }
}

function toWebhookAlert(n: NotifiedAlert): WebhookAlert {
  const a = n.alert
  return {
    status: n.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: formatRfc3339(a.firedAtMs ?? a.activeAtMs),
    endsAt: n.status === 'resolved' ? formatRfc3339(n.sinceMs) : GO_ZERO_TIME,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  }
}

function idempotencyKey(groupKey: string, alerts: readonly NotifiedAlert[], repeat: number): string {
  const h = new Fnv1a64()
  h.addString(groupKey)
  const parts = alerts.map((n) => `${n.alert.fingerprint}:${n.status}:${n.sinceMs}`).sort()
  for (const p of parts) {
    h.addByte(0xff)
    h.addString(p)
  }
  h.addByte(0xff)
  h.addString(String(repeat))
  return h.hex()
}

/** The entries every set has with the same value (Alertmanager's commonLabels). */
function common(sets: readonly AlertLabels[]): AlertLabels {
  const [first, ...rest] = sets
  if (first === undefined) return {}
  return Object.fromEntries(
    Object.entries(first).filter(([n, v]) => rest.every((s) => Object.hasOwn(s, n) && s[n] === v)),
  )
}

/** Alertmanager's alert order: by `job`, then `instance` (alerts without one last), then labels. */
function compareAlerts(a: AlertLabels, b: AlertLabels): number {
  for (const name of ['job', 'instance']) {
    const hasA = Object.hasOwn(a, name)
    const hasB = Object.hasOwn(b, name)
    if (!hasA && !hasB) continue
    if (!hasA) return 1
    if (!hasB) return -1
    const x = labelOf(a, name)
    const y = labelOf(b, name)
    if (x !== y) return x < y ? -1 : 1
  }
  const x = labelSetString(a)
  const y = labelSetString(b)
  return x < y ? -1 : x > y ? 1 : 0
}
