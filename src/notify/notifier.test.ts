import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseNotifyConfig } from './config.js'
import { MemoryDeliveryLog } from './delivery-log.js'
import { Notifier } from './notifier.js'
import { firingAlert, notificationOf, payloadOf, VirtualTime } from './testing/notify-fixtures.js'
import { WebhookReceiver } from './testing/webhook-receiver.js'
import type { ScriptedAnswer } from './testing/webhook-receiver.js'

const firing = payloadOf([firingAlert({ alertname: 'HighLatency', service: 'checkout' })])
const resolved = payloadOf([
  firingAlert(
    { alertname: 'HighLatency', service: 'checkout' },
    { status: 'resolved', endsAt: '2024-05-01T12:01:00Z' },
  ),
])

interface Harness {
  readonly rx: WebhookReceiver
  readonly log: MemoryDeliveryLog
  readonly notifier: Notifier
  readonly time: VirtualTime
}

/** A notifier with one webhook receiver `ops` on a real node:http server; closed after `body`. */
async function withNotifier(
  script: readonly ScriptedAnswer[],
  receiver: Record<string, unknown>,
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  const rx = await WebhookReceiver.start(script)
  const log = new MemoryDeliveryLog()
  const time = new VirtualTime()
  const config = parseNotifyConfig({
    receivers: [{ kind: 'webhook', name: 'ops', url: rx.url, ...receiver }],
  })
  const notifier = Notifier.create(config, { ...time, deliveryLog: log })
  try {
    await body({ rx, log, notifier, time })
  } finally {
    rx.release()
    await notifier.shutdown(AbortSignal.timeout(5_000))
    await rx.close()
  }
}

describe('Notifier', () => {
  it('retries a receiver failing twice with 503 and records one delivery with 3 attempts', async () => {
    await withNotifier([{ status: 503 }, { status: 503 }], {}, async ({ rx, log, notifier }) => {
      assert.deepEqual(notifier.notify(notificationOf('k-503', firing)), { accepted: true })
      await notifier.idle()
      assert.equal(rx.requests.length, 3)
      const [record, ...more] = log.recent()
      assert.deepEqual(more, [])
      assert.equal(record!.status, 'delivered')
      assert.equal(record!.attempts, 3)
      assert.equal(record!.httpStatus, 200)
      assert.equal(record!.idempotencyKey, 'k-503')
      assert.equal(record!.tenant, 'acme')
      assert.equal(record!.groupKey, firing.groupKey)
      assert.equal(record!.finishedAtMs - record!.enqueuedAtMs, 375 + 750) // virtual time spent waiting
      assert.deepEqual(log.counters().get('ops'), {
        delivered: 1,
        failed: 0,
        attempts: 3,
        dropped: { queue_full: 0, shutdown: 0, unknown_receiver: 0, tenant_not_allowed: 0, invalid: 0 },
      })
    })
  })

  it('records a 400 as failed after one attempt, with the status and the body', async () => {
    await withNotifier([{ status: 400, body: 'bad payload' }], {}, async ({ rx, log, notifier }) => {
      notifier.notify(notificationOf('k-400', firing))
      await notifier.idle()
      assert.equal(rx.requests.length, 1)
      const record = log.recent()[0]!
      assert.equal(record.status, 'failed')
      assert.equal(record.attempts, 1)
      assert.equal(record.httpStatus, 400)
      assert.equal(record.errorCode, 'NOTIFY_HTTP_STATUS')
      assert.match(record.error!, /answered HTTP 400: bad payload$/)
    })
  })

  it('bounds the queue: when full, the oldest waiting notification is dropped and counted', async () => {
    await withNotifier([{ status: 200, hold: true }], { queueSize: 2 }, async ({ rx, log, notifier }) => {
      for (const key of ['k1', 'k2', 'k3', 'k4']) {
        assert.deepEqual(notifier.notify(notificationOf(key, firing)), { accepted: true })
      }
      // k1 is in flight (held by the receiver), k3 and k4 wait, k2 was evicted
      assert.deepEqual(notifier.status(), [
        { name: 'ops', kind: 'webhook', received: 4, queued: 2, isDelivering: true },
      ])
      assert.deepEqual(
        log.recent().map((r) => [r.idempotencyKey, r.status, r.dropReason]),
        [['k2', 'dropped', 'queue_full']],
      )
      await rx.waitForRequests(1)
      rx.release()
      await notifier.idle()
      assert.deepEqual(
        rx.requests.map((r) => r.headers['idempotency-key']),
        ['k1', 'k3', 'k4'],
      )
      const counters = log.counters().get('ops')!
      assert.equal(counters.delivered, 3)
      assert.equal(counters.dropped.queue_full, 1)
      // conservation: every notification received has exactly one outcome
      assert.equal(notifier.status()[0]!.received, log.total)
    })
  })

  it('delivers one receiver’s notifications one at a time, in order', async () => {
    await withNotifier([{ status: 200, hold: true }], {}, async ({ rx, notifier }) => {
      notifier.notify(notificationOf('grp:firing', firing))
      notifier.notify(notificationOf('grp:resolved', resolved))
      await rx.waitForRequests(1)
      assert.equal(rx.requests.length, 1, 'the second waits for the first')
      rx.release()
      await notifier.idle()
      assert.deepEqual(
        rx.requests.map((r) => JSON.parse(r.body).status as string),
        ['firing', 'resolved'],
      )
    })
  })

  it('drops, with a reason, notifications for unknown receivers, other tenants or with unusable keys', async () => {
    await withNotifier([], { tenants: ['acme'] }, async ({ rx, log, notifier }) => {
      const outcomes = [
        notifier.notify(notificationOf('k1', { ...firing, receiver: 'nobody' })),
        notifier.notify(notificationOf('k2', firing, 'globex')),
        notifier.notify(notificationOf('has space', firing)),
        notifier.notify(notificationOf('', firing)),
        notifier.notify(notificationOf('x'.repeat(256), firing)),
        notifier.notify(notificationOf('quote"d', firing)),
      ]
      assert.deepEqual(
        outcomes.map((o) => (o.accepted ? 'accepted' : o.reason)),
        ['unknown_receiver', 'tenant_not_allowed', 'invalid', 'invalid', 'invalid', 'invalid'],
      )
      await notifier.idle()
      assert.equal(rx.requests.length, 0)
      assert.equal(notifier.unrouted, 1)
      assert.equal(notifier.status()[0]!.received, 5)
      assert.deepEqual(
        log.recent().map((r) => [r.receiver, r.status, r.dropReason, r.attempts]),
        [
          ['nobody', 'dropped', 'unknown_receiver', 0],
          ['ops', 'dropped', 'tenant_not_allowed', 0],
          ['ops', 'dropped', 'invalid', 0],
          ['ops', 'dropped', 'invalid', 0],
          ['ops', 'dropped', 'invalid', 0],
          ['ops', 'dropped', 'invalid', 0],
        ],
      )
    })
  })

  describe('shutdown', () => {
    let rx: WebhookReceiver
    before(async () => {
      rx = await WebhookReceiver.start([{ status: 200, hold: true }])
    })
    after(() => rx.close())

    it('aborts the delivery in flight at the deadline, drops what waits and refuses new ones', async () => {
      const log = new MemoryDeliveryLog()
      const config = parseNotifyConfig({ receivers: [{ kind: 'webhook', name: 'ops', url: rx.url }] })
      const notifier = Notifier.create(config, { ...new VirtualTime(), deliveryLog: log })
      notifier.notify(notificationOf('k1', firing))
      notifier.notify(notificationOf('k2', firing))
      await rx.waitForRequests(1)
      const deadline = new AbortController()
      const stopping = notifier.shutdown(deadline.signal)
      assert.equal(notifier.shutdown(deadline.signal), stopping, 'idempotent')
      assert.deepEqual(notifier.notify(notificationOf('k3', firing)), { accepted: false, reason: 'shutdown' })
      deadline.abort()
      await stopping
      assert.deepEqual(
        log.recent().map((r) => [r.idempotencyKey, r.status, r.errorCode ?? r.dropReason]),
        [
          ['k3', 'dropped', 'shutdown'],
          ['k1', 'failed', 'NOTIFY_ABORTED'],
          ['k2', 'dropped', 'shutdown'],
        ],
      )
      assert.equal(rx.requests.length, 1)
    })

    it('delivers what is queued when the deadline leaves time', async () => {
      const log = new MemoryDeliveryLog()
      const config = parseNotifyConfig({ receivers: [{ kind: 'webhook', name: 'ops', url: rx.url }] })
      const notifier = Notifier.create(config, { ...new VirtualTime(), deliveryLog: log })
      notifier.notify(notificationOf('d1', firing))
      notifier.notify(notificationOf('d2', firing))
      await notifier.shutdown(AbortSignal.timeout(10_000))
      assert.deepEqual(
        log.recent().map((r) => [r.idempotencyKey, r.status]),
        [
          ['d1', 'delivered'],
          ['d2', 'delivered'],
        ],
      )
    })
  })
})
