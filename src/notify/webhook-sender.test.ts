import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { encodeWebhookPayload } from './encode-webhook-payload.js'
import {
  firingAlert,
  notificationOf,
  payloadOf,
  VirtualTime,
  webhookConfig,
} from './testing/notify-fixtures.js'
import { WebhookReceiver } from './testing/webhook-receiver.js'
import type { ScriptedAnswer } from './testing/webhook-receiver.js'
import type { WebhookPayload } from './webhook-payload.js'
import { WebhookSender } from './webhook-sender.js'

const never = new AbortController().signal
const payload = payloadOf([
  firingAlert({ alertname: 'HighLatency', service: 'checkout', severity: 'page' }),
  firingAlert(
    { alertname: 'HighLatency', service: 'cart', severity: 'page' },
    { fingerprint: 'c0ffee0000000002' },
  ),
])

/** Starts a receiver with `script`, runs `body`, always closes the receiver. */
async function withReceiver(
  script: readonly ScriptedAnswer[],
  body: (rx: WebhookReceiver) => Promise<void>,
): Promise<void> {
  const rx = await WebhookReceiver.start(script)
  try {
    await body(rx)
  } finally {
    await rx.close()
  }
}

describe('WebhookSender', () => {
  it('POSTs the Alertmanager payload as JSON with the idempotency key header', async () => {
    await withReceiver([], async (rx) => {
      const sender = new WebhookSender(webhookConfig(rx.url), new VirtualTime())
      const result = await sender.deliver(notificationOf('acme:grp1:firing:1', payload), never)
      sender.close()
      assert.deepEqual(result, { kind: 'delivered', attempts: 1, httpStatus: 200 })
      assert.equal(rx.requests.length, 1)
      const req = rx.requests[0]!
      assert.equal(req.method, 'POST')
      assert.equal(req.path, '/hook')
      assert.equal(req.headers['content-type'], 'application/json')
      assert.equal(req.headers['idempotency-key'], 'acme:grp1:firing:1')
      assert.equal(req.headers['authorization'], undefined)
      assert.equal(req.body, encodeWebhookPayload(payload))
      const got = JSON.parse(req.body) as WebhookPayload
      assert.deepEqual(got, JSON.parse(JSON.stringify(payload)))
      assert.equal(got.version, '4')
      assert.equal('idempotencyKey' in got, false) // the body stays Alertmanager's
    })
  })

  it('sends the configured bearer or basic Authorization header', async () => {
    await withReceiver([], async (rx) => {
      const bearer = new WebhookSender(
        webhookConfig(rx.url, { auth: { kind: 'bearer', token: 't0k' } }),
        new VirtualTime(),
      )
      const basicConfig = webhookConfig(rx.url, {
        auth: { kind: 'basic', username: 'vigil', password: 'pw:1' },
      })
      const basic = new WebhookSender(basicConfig, new VirtualTime())
      await bearer.deliver(notificationOf('k1', payload), never)
      await basic.deliver(notificationOf('k2', payload), never)
      bearer.close()
      basic.close()
      assert.equal(rx.requests[0]!.headers['authorization'], 'Bearer t0k')
      assert.equal(
        rx.requests[1]!.headers['authorization'],
        `Basic ${Buffer.from('vigil:pw:1').toString('base64')}`,
      )
    })
  })

  it('retries 503 twice, then delivers: 3 attempts, same body and key each time, backoff with jitter', async () => {
    await withReceiver([{ status: 503 }, { status: 503 }, { status: 200 }], async (rx) => {
      const time = new VirtualTime()
      const sender = new WebhookSender(webhookConfig(rx.url), time)
      const result = await sender.deliver(notificationOf('key-503', payload), never)
      sender.close()
      assert.deepEqual(result, { kind: 'delivered', attempts: 3, httpStatus: 200 })
      assert.equal(rx.requests.length, 3)
      assert.deepEqual(new Set(rx.requests.map((r) => r.headers['idempotency-key'])), new Set(['key-503']))
      assert.deepEqual(new Set(rx.requests.map((r) => r.body)), new Set([encodeWebhookPayload(payload)]))
      // initial 500 ms, doubling; random() = 0.5 → jitter factor 0.75
      assert.deepEqual(time.sleeps, [375, 750])
    })
  })

  it('does not retry a 400 and reports its status and the first bytes of its body', async () => {
    const answer = { status: 400, body: `{"error":"unknown field 'groupKey'"}${'x'.repeat(1_000)}` }
    await withReceiver([answer], async (rx) => {
      const time = new VirtualTime()
      const sender = new WebhookSender(webhookConfig(rx.url), time)
      const result = await sender.deliver(notificationOf('key-400', payload), never)
      sender.close()
      assert.equal(rx.requests.length, 1)
      assert.equal(result.kind, 'failed')
      assert.equal(result.attempts, 1)
      assert.equal(result.httpStatus, 400)
      assert.equal(result.error.code, 'NOTIFY_HTTP_STATUS')
      assert.equal(result.error.retryable, false)
      assert.match(result.error.message, /^receiver "ops" \(http:\/\/127\.0\.0\.1:\d+\) answered HTTP 400: /)
      assert.ok(result.error.message.includes(`{"error":"unknown field 'groupKey'"}`))
      assert.ok(result.error.message.length < 400, 'only the first bytes of the body')
      assert.deepEqual(time.sleeps, [])
    })
  })

  it('honours Retry-After (seconds and HTTP date) on 429 and 503', async () => {
    const time = new VirtualTime()
    const date = new Date(time.clock.nowMs() + 20_000 + 375).toUTCString() // after the first wait
    const script = [
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 503, headers: { 'Retry-After': date } },
      { status: 200 },
    ]
    await withReceiver(script, async (rx) => {
      const sender = new WebhookSender(webhookConfig(rx.url), time)
      const result = await sender.deliver(notificationOf('key-429', payload), never)
      sender.close()
      assert.equal(result.kind, 'delivered')
      assert.equal(result.attempts, 3)
      assert.equal(time.sleeps[0], 7_000)
      // the date is ~20 s after the clock at the second answer (HTTP dates have whole seconds)
      assert.ok(time.sleeps[1]! >= 12_000 && time.sleeps[1]! <= 14_000, String(time.sleeps[1]))
    })
  })

  it('caps a long Retry-After at maxRetryAfter', async () => {
    await withReceiver([{ status: 503, headers: { 'Retry-After': '86400' } }], async (rx) => {
      const time = new VirtualTime()
      const sender = new WebhookSender(webhookConfig(rx.url, { retry: { maxRetryAfter: '1m' } }), time)
      const result = await sender.deliver(notificationOf('key-cap', payload), never)
      sender.close()
      assert.equal(result.kind, 'delivered')
      assert.deepEqual(time.sleeps, [60_000])
    })
  })

  it('gives up after maxAttempts retryable failures, reporting the last', async () => {
    const script = [{ status: 500 }, { status: 502 }, { status: 503, body: 'overloaded' }, { status: 200 }]
    await withReceiver(script, async (rx) => {
      const time = new VirtualTime()
      const sender = new WebhookSender(webhookConfig(rx.url, { retry: { maxAttempts: 3 } }), time)
      const result = await sender.deliver(notificationOf('key-500', payload), never)
      sender.close()
      assert.equal(result.kind, 'failed')
      assert.equal(result.attempts, 3)
      assert.equal(result.httpStatus, 503)
      assert.equal(result.error.retryable, true)
      assert.match(result.error.message, /answered HTTP 503: overloaded$/)
      assert.equal(rx.requests.length, 3)
      assert.deepEqual(time.sleeps, [375, 750])
    })
  })

  it('cuts the alerts to maxAlerts and counts the rest in truncatedAlerts', async () => {
    await withReceiver([], async (rx) => {
      const sender = new WebhookSender(webhookConfig(rx.url, { maxAlerts: 1 }), new VirtualTime())
      await sender.deliver(notificationOf('key-max', payload), never)
      sender.close()
      const got = JSON.parse(rx.requests[0]!.body) as WebhookPayload
      assert.equal(got.alerts.length, 1)
      assert.equal(got.truncatedAlerts, 1)
      assert.deepEqual(got.commonLabels, payload.alerts[0]!.labels)
    })
  })

  describe('transport failures', () => {
    let closedUrl: string
    before(async () => {
      const rx = await WebhookReceiver.start()
      closedUrl = rx.url
      await rx.close() // nothing listens there any more
    })

    it('retries a refused connection, then fails with NOTIFY_NETWORK', async () => {
      const time = new VirtualTime()
      const sender = new WebhookSender(webhookConfig(closedUrl, { retry: { maxAttempts: 2 } }), time)
      const result = await sender.deliver(notificationOf('key-refused', payload), never)
      sender.close()
      assert.equal(result.kind, 'failed')
      assert.equal(result.attempts, 2)
      assert.equal(result.httpStatus, undefined)
      assert.equal(result.error.code, 'NOTIFY_NETWORK')
      assert.match(result.error.message, /ECONNREFUSED/)
      assert.deepEqual(time.sleeps, [375])
    })
  })

  describe('a receiver that never answers', () => {
    let rx: WebhookReceiver
    before(async () => {
      rx = await WebhookReceiver.start([
        { status: 200, hold: true },
        { status: 200, hold: true },
      ])
    })
    after(() => rx.close())

    it('times each attempt out, retries, then fails with NOTIFY_TIMEOUT', async () => {
      const time = new VirtualTime()
      const sender = new WebhookSender(
        webhookConfig(rx.url, { timeout: 100, retry: { maxAttempts: 2 } }),
        time,
      )
      const result = await sender.deliver(notificationOf('key-timeout', payload), never)
      sender.close()
      assert.equal(result.kind, 'failed')
      assert.equal(result.attempts, 2)
      assert.equal(result.error.code, 'NOTIFY_TIMEOUT')
      assert.equal(rx.requests.length, 2)
    })
  })
})
