import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../core/index.js'
import { AlertmanagerClient } from './alertmanager-client.js'
import { encodeWebhookPayload } from './encode-webhook-payload.js'
import { realSleep } from './sleep.js'
import { alertmanagerConfig, firingAlert, notificationOf, payloadOf } from './testing/notify-fixtures.js'
import { alertmanagerSkipReason, ReferenceAlertmanager } from './testing/reference-alertmanager.js'
import { WebhookReceiver } from './testing/webhook-receiver.js'
import { ZERO_TIME } from './webhook-payload.js'
import type { WebhookPayload } from './webhook-payload.js'

const never = new AbortController().signal
const WAIT_MS = 20_000

async function within<T>(promise: Promise<T>, what: string, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} within ${WAIT_MS} ms; Alertmanager:\n${output()}`)),
      WAIT_MS,
    )
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The payload type and encoder against the real thing: Alertmanager 0.25 routes forwarded alerts to
 * a webhook on a node:http server, and what it POSTs must decode as a `WebhookPayload` and encode
 * back to the same bytes (field order, sorted label names, Go's escaping, trailing newline).
 */
describe("Alertmanager's own webhook payload", { skip: alertmanagerSkipReason() ?? false }, () => {
  let rx: WebhookReceiver
  let am: ReferenceAlertmanager
  let client: AlertmanagerClient

  before(async () => {
    rx = await WebhookReceiver.start()
    am = await ReferenceAlertmanager.start({ webhookUrl: rx.url })
    client = new AlertmanagerClient(alertmanagerConfig(am.url), {
      clock: systemClock,
      sleep: realSleep,
      random: Math.random,
    })
  })
  after(async () => {
    client?.close()
    await am?.stop()
    await rx?.close()
  })

  it('is byte for byte what encodeWebhookPayload writes, firing and then resolved', async () => {
    const alert = firingAlert(
      { zone: 'eu-1', alertname: 'ErrorBudgetBurn', service: 'checkout' },
      {
        startsAt: new Date(Date.now() - 30_000).toISOString(),
        annotations: { summary: 'burn rate > 14 & rising', description: '<b>5xx</b> ratio' },
      },
    )
    await client.deliver(notificationOf('c-1', payloadOf([alert], { receiver: 'am' })), never)
    await within(rx.waitForRequests(1), 'no webhook from Alertmanager', () => am.output)
    const firingBody = rx.requests[0]!.body
    const firing = JSON.parse(firingBody) as WebhookPayload
    assert.equal(encodeWebhookPayload(firing), firingBody)
    assert.equal(firing.version, '4')
    assert.equal(firing.receiver, 'default')
    assert.equal(firing.status, 'firing')
    assert.equal(firing.externalURL, am.url)
    assert.deepEqual(firing.groupLabels, { alertname: 'ErrorBudgetBurn' })
    assert.equal(firing.truncatedAlerts, 0)
    assert.equal(firing.alerts.length, 1)
    assert.deepEqual(firing.alerts[0]!.labels, alert.labels)
    assert.deepEqual(firing.alerts[0]!.annotations, alert.annotations)
    assert.equal(firing.alerts[0]!.endsAt, ZERO_TIME)
    assert.ok(firingBody.includes('\\u003e') && firingBody.includes('\\u0026'), 'Go escaped > and &')

    const resolvedAlert = { ...alert, status: 'resolved' as const, endsAt: new Date().toISOString() }
    await client.deliver(notificationOf('c-2', payloadOf([resolvedAlert], { receiver: 'am' })), never)
    await within(rx.waitForRequests(2), 'no resolved webhook from Alertmanager', () => am.output)
    const resolvedBody = rx.requests[1]!.body
    const resolved = JSON.parse(resolvedBody) as WebhookPayload
    assert.equal(encodeWebhookPayload(resolved), resolvedBody)
    assert.equal(resolved.status, 'resolved')
    assert.equal(resolved.groupKey, firing.groupKey)
    assert.notEqual(resolved.alerts[0]!.endsAt, ZERO_TIME)
  })

  it('stops cleanly: the instance is gone and stop() is idempotent', async () => {
    const extra = await ReferenceAlertmanager.start()
    await extra.stop()
    await extra.stop()
    await assert.rejects(fetch(`${extra.url}/-/ready`, { signal: AbortSignal.timeout(2_000) }))
  })
})
