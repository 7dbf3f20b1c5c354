import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { parseIncident } from '../gen/index.js'
import type { GenOptionsInput } from '../gen/index.js'
import { WebhookReceiver } from '../notify/testing/webhook-receiver.js'
import { IngestApp } from './testing/ingest-app.js'
import { VirtualTime } from './testing/virtual-gen.js'

/**
 * End to end: `vigil gen` with injected incidents → ingest → engine (rollups and the detectors
 * chained behind them) → `vigil.anomalies` → store and alerting → a grouped webhook notification
 * to a real receiver (a node:http server on 127.0.0.1); a silence keeps the next incident from
 * notifying.
 *
 * The generator runs in simulated time (testing/virtual-gen.ts): the detectors need 450 closed
 * windows of a series before they score it (75 min of 10 s windows), so the run covers 100 min of
 * event time, in a few seconds. Two incidents: a ×12 queue spike on `checkout` at 90 min, the same
 * on `payments` at 95 min. A silence on `service="payments"` exists from the start. Alerting and
 * the grouper run in real time beside it (group_wait 1 s, group_interval 2 s). Self-monitoring is
 * off here so the only tenant is the generator's.
 */
const START_MS = Date.UTC(2026, 5, 1, 9, 0, 0, 0)
const TENANT = 'shop'
const CHECKOUT_SPIKE_END = START_MS + 90 * 60_000 + 10_000 // the 10 s window holding the spike ends here
const PAYMENTS_SPIKE_END = START_MS + 95 * 60_000 + 10_000

const GEN: GenOptionsInput = {
  signals: ['metrics'],
  services: 3,
  series: 30,
  rate: 3,
  concurrency: 1,
  batch: { metrics: 30 },
  seed: 7,
  pool: 0,
  durationS: 100 * 60,
  incidents: [parseIncident('spike@5400:checkout'), parseIncident('spike@5700:payments')],
}

interface AnomalyJson {
  key: string
  labels: Record<string, string>
  timeMs: number
  alert: boolean
  detectedAtMs: number
}

interface WebhookBody {
  version: string
  status: string
  receiver: string
  groupLabels: Record<string, string>
  alerts: { status: string; labels: Record<string, string>; fingerprint: string }[]
}

let vigil: IngestApp
let rx: WebhookReceiver
before(async () => {
  rx = await WebhookReceiver.start()
  vigil = await IngestApp.start({
    notify: { receivers: [{ kind: 'webhook', name: 'default', url: rx.url }] },
    alerting: {
      route: { groupWait: '1s', groupInterval: '2s' },
      // The default rule, held firing for an hour of event time: simulated time runs the rule's
      // 5 min of staleness in well under a second, faster than the grouper's real-time group_wait,
      // and the notification should see the alert firing, as it would in real time.
      anomalyRules: [
        {
          name: 'AnomalyDetected',
          selector: '{__name__=~".+"}',
          keepFiringFor: '1h',
          labels: { severity: 'warning' },
        },
      ],
    },
    selfMonitoring: { enabled: false },
  })
})
after(async () => {
  await vigil?.dispose()
  await rx?.close()
})

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${vigil.apiUrl}${path}`, {
    ...init,
    headers: { 'X-Scope-OrgID': TENANT, 'content-type': 'application/json', ...(init.headers ?? {}) },
  })
}

async function alertingAnomalies(): Promise<AnomalyJson[]> {
  const q = new URLSearchParams({
    start: String(START_MS / 1000),
    end: String(START_MS / 1000 + 7200),
    alert: 'true',
    limit: '1000',
  })
  const res = await api(`/api/v1/anomalies?${q.toString()}`)
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { data: { anomalies: AnomalyJson[] } }).data.anomalies
}

const isSpike = (labels: Record<string, string>, service: string): boolean =>
  labels['service'] === service &&
  labels['queue'] === 'jobs' &&
  (labels['__name__'] ?? labels['metric']) === 'queue_depth'

test('an injected incident becomes an anomaly within 1 s, one grouped alert and one webhook delivery; a silence suppresses the next', async (t) => {
  // The silence first (Alertmanager's v2 body), valid for the whole run.
  const now = Date.now()
  const created = await api('/api/v1/silences', {
    method: 'POST',
    body: JSON.stringify({
      matchers: [{ name: 'service', value: 'payments', isRegex: false, isEqual: true }],
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'e2e',
      comment: 'payments maintenance',
    }),
  })
  assert.equal(created.status, 200, await created.clone().text())

  // Watch the anomalies API while the generator runs: when was each alerting anomaly first served?
  const firstServed = new Map<string, { anomaly: AnomalyJson; atMs: number }>()
  let watching = true
  const watcher = (async () => {
    while (watching) {
      for (const a of await alertingAnomalies()) {
        const id = `${a.key}@${a.timeMs}`
        if (!firstServed.has(id)) firstServed.set(id, { anomaly: a, atMs: Date.now() })
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const time = new VirtualTime(START_MS)
  const [run] = await time.runAll([{ ...GEN, url: vigil.ingestUrl, tenant: TENANT }])
  assert.equal(run!.summary.requestsFailed, 0)

  // Everything scored is served; the grouper flushes within group_wait + group_interval.
  const spikeServed = async (end: number, service: string): Promise<boolean> =>
    [...firstServed.values()].some((s) => s.anomaly.timeMs === end && isSpike(s.anomaly.labels, service))
  for (
    let i = 0;
    i < 300 && !((await spikeServed(PAYMENTS_SPIKE_END, 'payments')) && rx.requests.length > 0);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise((r) => setTimeout(r, 4_000))
  watching = false
  await watcher

  // 1. The incidents' anomalies, served within a second of the window's close (when it was scored).
  for (const [end, service] of [
    [CHECKOUT_SPIKE_END, 'checkout'],
    [PAYMENTS_SPIKE_END, 'payments'],
  ] as const) {
    const seen = [...firstServed.values()].find(
      (s) => s.anomaly.timeMs === end && isSpike(s.anomaly.labels, service),
    )
    assert.ok(seen !== undefined, `the ${service} spike is an alerting anomaly`)
    const latencyMs = seen.atMs - seen.anomaly.detectedAtMs
    t.diagnostic(
      `${service} spike served ${latencyMs} ms after its window closed (upper bound: the API is polled every ~20 ms)`,
    )
    assert.ok(latencyMs < 1_000, `${service}: ${latencyMs} ms`)
  }

  // 2. One grouped alert, delivered once, as Alertmanager's webhook payload with an idempotency key.
  const bodies = rx.requests.map((r) => ({ body: JSON.parse(r.body) as WebhookBody, headers: r.headers }))
  for (const { body, headers } of bodies) {
    assert.equal(body.version, '4')
    assert.equal(body.receiver, 'default')
    assert.match(String(headers['idempotency-key']), /^[0-9a-f]{16}$/)
  }
  const keys = bodies.map((b) => String(b.headers['idempotency-key']))
  assert.equal(new Set(keys).size, keys.length, 'no notification was delivered twice')
  const carrying = bodies.filter(({ body }) =>
    body.alerts.some((a) => a.status === 'firing' && isSpike(a.labels, 'checkout')),
  )
  assert.equal(carrying.length, 1, 'the checkout incident is notified once')
  assert.deepEqual(carrying[0]!.body.groupLabels, { alertname: 'AnomalyDetected', service: 'checkout' })
  t.diagnostic(
    `${bodies.length} notifications in all (${bodies.map((b) => `${b.body.groupLabels['service']}:${b.body.alerts.length}`).join(', ')})`,
  )

  // 3. The silence: the payments incident is an alert, marked silenced, and never notified.
  assert.ok(
    bodies.every(({ body }) => body.alerts.every((a) => a.labels['service'] !== 'payments')),
    'nothing of payments was notified',
  )
  const res = await api('/api/v1/alerts')
  assert.equal(res.status, 200)
  const alerts = (
    (await res.json()) as {
      data: { alerts: { labels: Record<string, string>; silencedBy: string[]; state: string }[] }
    }
  ).data.alerts
  const payments = alerts.find((a) => isSpike(a.labels, 'payments'))
  assert.ok(payments !== undefined, 'the payments incident is an alert')
  assert.equal(payments.silencedBy.length, 1)
})
