import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { encodeWebhookPayload } from './encode-webhook-payload.js'
import { firingAlert, payloadOf } from './testing/notify-fixtures.js'
import type { WebhookPayload } from './webhook-payload.js'

/** Alertmanager 0.25's `webhook.Message` fields, in the order its JSON encoder writes them. */
const MESSAGE_KEYS = [
  'receiver',
  'status',
  'alerts',
  'groupLabels',
  'commonLabels',
  'commonAnnotations',
  'externalURL',
  'version',
  'groupKey',
  'truncatedAlerts',
]
const ALERT_KEYS = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']

describe('encodeWebhookPayload', () => {
  it("writes Alertmanager's fields in Alertmanager's order, and nothing else", () => {
    const payload = payloadOf([firingAlert({ alertname: 'HighLatency' })])
    const withExtra = {
      ...payload,
      extra: 1,
      alerts: [{ ...payload.alerts[0]!, extra: 2 }],
    } as unknown as WebhookPayload
    const body = encodeWebhookPayload(withExtra)
    const parsed = JSON.parse(body) as Record<string, unknown> & { alerts: Record<string, unknown>[] }
    assert.deepEqual(Object.keys(parsed), MESSAGE_KEYS)
    assert.deepEqual(Object.keys(parsed.alerts[0]!), ALERT_KEYS)
    assert.deepEqual(parsed, JSON.parse(JSON.stringify(payload)))
    assert.ok(body.endsWith('}\n'))
  })

  it('sorts label and annotation names as Go sorts map keys', () => {
    const body = encodeWebhookPayload(
      payloadOf([firingAlert({ zone: 'b', alertname: 'A', Zeta: 'z' })], { groupLabels: { b: '1', a: '2' } }),
    )
    const parsed = JSON.parse(body) as WebhookPayload
    assert.deepEqual(Object.keys(parsed.alerts[0]!.labels), ['Zeta', 'alertname', 'zone'])
    assert.deepEqual(Object.keys(parsed.groupLabels), ['a', 'b'])
  })

  it("escapes <, >, &, U+2028 and U+2029 as Go's encoder does", () => {
    const body = encodeWebhookPayload(
      payloadOf([firingAlert({ alertname: 'A' }, { annotations: { summary: 'p99 > 1s & <2s\u2028x' } })]),
    )
    assert.ok(body.includes('"p99 \\u003e 1s \\u0026 \\u003c2s\\u2028x"'), body)
    assert.equal(
      (JSON.parse(body) as WebhookPayload).alerts[0]!.annotations['summary'],
      'p99 > 1s & <2s\u2028x',
    )
  })
})
