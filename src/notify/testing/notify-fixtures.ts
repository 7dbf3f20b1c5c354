import { ManualClock } from '../../core/testing/manual-clock.js'
import { parseNotifyConfig } from '../config.js'
import type { AlertmanagerReceiverConfig, WebhookReceiverConfig } from '../config.js'
import type { DelivererSettings } from '../deliverer.js'
import type { Sleep } from '../sleep.js'
import { ZERO_TIME, commonEntries, groupStatus } from '../webhook-payload.js'
import type { Notification, WebhookAlert, WebhookPayload } from '../webhook-payload.js'

/**
 * Test-only: virtual time for the retry loop. `sleep` records each wait and moves the clock by it
 * instead of waiting; `random` is fixed (0.5: jitter factor 0.75), so backoffs are exact numbers.
 */
export class VirtualTime implements DelivererSettings {
  readonly clock = new ManualClock(Date.UTC(2024, 4, 1, 12))
  readonly sleeps: number[] = []
  readonly sleep: Sleep = async (ms) => {
    this.sleeps.push(ms)
    this.clock.advance(ms)
  }
  readonly random = (): number => 0.5
}

export function firingAlert(
  labels: Record<string, string>,
  overrides: Partial<WebhookAlert> = {},
): WebhookAlert {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels['alertname'] ?? 'alert'} is firing` },
    startsAt: '2024-05-01T11:58:00Z',
    endsAt: ZERO_TIME,
    generatorURL: 'http://vigil.example:8080/alerts?g=1',
    fingerprint: 'c0ffee0000000001',
    ...overrides,
  }
}

/** A payload for `alerts` with group status and common labels/annotations computed from them. */
export function payloadOf(
  alerts: readonly WebhookAlert[],
  overrides: Partial<WebhookPayload> = {},
): WebhookPayload {
  return {
    version: '4',
    receiver: 'ops',
    status: groupStatus(alerts),
    alerts,
    groupLabels: { alertname: alerts[0]?.labels['alertname'] ?? '' },
    commonLabels: commonEntries(alerts.map((a) => a.labels)),
    commonAnnotations: commonEntries(alerts.map((a) => a.annotations)),
    externalURL: 'http://vigil.example:8080',
    groupKey: '{}:{alertname="HighLatency"}',
    truncatedAlerts: 0,
    ...overrides,
  }
}

export function notificationOf(
  idempotencyKey: string,
  payload: WebhookPayload,
  tenant = 'acme',
): Notification {
  return { idempotencyKey, tenant, payload }
}

/** A webhook receiver's config through the real schema (defaults filled), with `overrides` on top. */
export function webhookConfig(url: string, overrides: Record<string, unknown> = {}): WebhookReceiverConfig {
  const parsed = parseNotifyConfig({ receivers: [{ kind: 'webhook', name: 'ops', url, ...overrides }] })
  return parsed.receivers[0] as WebhookReceiverConfig
}

export function alertmanagerConfig(
  url: string,
  overrides: Record<string, unknown> = {},
): AlertmanagerReceiverConfig {
  const parsed = parseNotifyConfig({ receivers: [{ kind: 'alertmanager', name: 'am', url, ...overrides }] })
  return parsed.receivers[0] as AlertmanagerReceiverConfig
}
