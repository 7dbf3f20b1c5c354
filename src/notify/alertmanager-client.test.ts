import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { systemClock } from '../core/index.js'
import { AlertmanagerClient } from './alertmanager-client.js'
import { parseNotifyConfig } from './config.js'
import { MemoryDeliveryLog } from './delivery-log.js'
import { Notifier } from './notifier.js'
import { realSleep } from './sleep.js'
import {
  alertmanagerConfig,
  firingAlert,
  notificationOf,
  payloadOf,
  VirtualTime,
} from './testing/notify-fixtures.js'
import { alertmanagerSkipReason, ReferenceAlertmanager } from './testing/reference-alertmanager.js'

const never = new AbortController().signal
const realTime = { clock: systemClock, sleep: realSleep, random: Math.random }

/** Alertmanager keeps wall-clock time, so these alerts use real times around now. */
function isoAgo(ms: number): string {
  return new Date(Date.now() - ms).toISOString()
}

describe('forwarding to a real Alertmanager (v2 API)', { skip: alertmanagerSkipReason() ?? false }, () => {
  let am: ReferenceAlertmanager
  let client: AlertmanagerClient

  before(async () => {
    am = await ReferenceAlertmanager.start()
    client = new AlertmanagerClient(alertmanagerConfig(am.url), realTime)
  })
  after(async () => {
    client?.close()
    await am?.stop()
  })

  it('shows a forwarded firing alert with its labels and annotations, and drops it once resolved', async () => {
    const labels = { alertname: 'CheckoutLatency', service: 'checkout', severity: 'page', tenant: 'acme' }
    const startsAt = isoAgo(60_000)
    const alert = firingAlert(labels, {
      startsAt,
      annotations: { summary: 'p99 latency above 1s', runbook_url: 'https://runbooks.example/checkout' },
      generatorURL: 'http://vigil.example:8080/alerts/42',
    })
    const firing = await client.deliver(notificationOf('am-1', payloadOf([alert], { receiver: 'am' })), never)
    assert.deepEqual(firing, { kind: 'delivered', attempts: 1, httpStatus: 200 })

    const listed = await client.listAlerts({ filter: ['alertname="CheckoutLatency"'] })
    assert.equal(listed.length, 1, am.output)
    const got = listed[0]!
    assert.deepEqual(got.labels, labels)
    assert.deepEqual(got.annotations, alert.annotations)
    assert.equal(got.generatorURL, 'http://vigil.example:8080/alerts/42')
    assert.equal(Date.parse(got.startsAt), Date.parse(startsAt))
    assert.ok(Date.parse(got.endsAt) > Date.now(), 'still active: its end is resolve_timeout away')
    assert.equal(got.status.state, 'active')
    assert.deepEqual(got.receivers, [{ name: 'default' }])
    assert.match(got.fingerprint, /^[0-9a-f]{16}$/)

    const resolvedAlert = { ...alert, status: 'resolved' as const, endsAt: new Date().toISOString() }
    const resolved = await client.deliver(
      notificationOf('am-2', payloadOf([resolvedAlert], { receiver: 'am' })),
      never,
    )
    assert.equal(resolved.kind, 'delivered')
    assert.deepEqual(await client.listAlerts({ filter: ['alertname="CheckoutLatency"'] }), [])
  })

  it('keeps other alerts while one resolves, and lists by active/filter', async () => {
    const a = firingAlert({ alertname: 'DiskFull', host: 'db-1' }, { startsAt: isoAgo(5_000) })
    const b = firingAlert({ alertname: 'DiskFull', host: 'db-2' }, { startsAt: isoAgo(5_000) })
    await client.deliver(notificationOf('d-1', payloadOf([a, b], { receiver: 'am' })), never)
    const bResolved = { ...b, status: 'resolved' as const, endsAt: new Date().toISOString() }
    await client.deliver(notificationOf('d-2', payloadOf([a, bResolved], { receiver: 'am' })), never)
    const left = await client.listAlerts({ filter: ['alertname="DiskFull"'], active: true })
    assert.deepEqual(
      left.map((x) => x.labels['host']),
      ['db-1'],
    )
  })

  it('does not retry an alert Alertmanager refuses (400) and reports its reason', async () => {
    const time = new VirtualTime()
    const refusing = new AlertmanagerClient(alertmanagerConfig(am.url), time)
    const result = await refusing.postAlerts([{ labels: {}, annotations: {}, generatorURL: '' }], never)
    refusing.close()
    assert.equal(result.kind, 'failed')
    assert.equal(result.attempts, 1)
    assert.equal(result.httpStatus, 400)
    assert.match(result.error.message, /answered HTTP 400: "at least one label pair required"/)
    assert.deepEqual(time.sleeps, [])
  })

  it('works as a Notifier receiver: delivered and recorded', async () => {
    const log = new MemoryDeliveryLog()
    const config = parseNotifyConfig({ receivers: [{ kind: 'alertmanager', name: 'am', url: `${am.url}/` }] })
    const notifier = Notifier.create(config, { ...realTime, deliveryLog: log })
    const alert = firingAlert({ alertname: 'QueueBacklog', queue: 'orders' }, { startsAt: isoAgo(1_000) })
    notifier.notify(notificationOf('qb-1', payloadOf([alert], { receiver: 'am' })))
    await notifier.shutdown(AbortSignal.timeout(10_000))
    assert.deepEqual(
      log.recent().map((r) => [r.receiver, r.idempotencyKey, r.status, r.attempts, r.httpStatus]),
      [['am', 'qb-1', 'delivered', 1, 200]],
    )
    const listed = await client.listAlerts({ filter: ['alertname="QueueBacklog"'] })
    assert.deepEqual(
      listed.map((x) => x.labels),
      [{ alertname: 'QueueBacklog', queue: 'orders' }],
    )
  })

  it('fails listAlerts with NOTIFY_QUERY_FAILED when Alertmanager refuses the query', async () => {
    await assert.rejects(
      client.listAlerts({ filter: ['not a matcher'] }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'NOTIFY_QUERY_FAILED')
        assert.match(err.message, /HTTP 400/)
        return true
      },
    )
  })
})
