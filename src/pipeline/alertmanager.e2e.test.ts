import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ReferenceAlertmanager, alertmanagerSkipReason } from '../notify/testing/reference-alertmanager.js'
import { IngestApp } from './testing/ingest-app.js'
import { otlpGauge } from './testing/otlp-gauge.js'

/**
 * End to end against a real Alertmanager (Debian's prometheus-alertmanager on 127.0.0.1): a metric
 * spike sent to ingest is scored by the detectors, becomes an `AnomalyDetected` alert, and the
 * notifier forwards it through Alertmanager's v2 API, where `GET /api/v2/alerts` shows it.
 */
const T0 = 1_700_000_000_000
const WINDOWS = 520
const SPIKE = 500

const skip = alertmanagerSkipReason()
let am: ReferenceAlertmanager | undefined
let vigil: IngestApp | undefined
before(async () => {
  if (skip !== undefined) return
  am = await ReferenceAlertmanager.start()
  vigil = await IngestApp.start({
    ingest: { partitions: 1 },
    engine: {
      checkpointInterval: 100,
      maxOutOfOrderness: 0,
      idleTimeout: 60_000,
      allowedLateness: 0,
      tasks: 1,
    },
    notify: { receivers: [{ kind: 'alertmanager', name: 'default', url: am.url }] },
    alerting: { route: { groupWait: '0s', groupInterval: '1s' } },
    selfMonitoring: { enabled: false },
  })
})
after(async () => {
  await vigil?.dispose()
  await am?.stop()
})

test(
  'a detected spike is forwarded to a real Alertmanager, which shows the alert',
  { skip: skip ?? false },
  async () => {
    const app = vigil!
    for (let from = 0; from <= WINDOWS; from += 100) {
      const points: [number, number][] = []
      for (let i = from; i < Math.min(from + 100, WINDOWS + 1); i++) {
        points.push([T0 + i * 10_000 + 5_000, i === SPIKE ? 400 : 40 + ((i * 7) % 7)])
      }
      const res = await app.post('/v1/metrics', otlpGauge('checkout', points), {
        'content-type': 'application/json',
      })
      assert.equal(res.status, 200, await res.text())
    }
    let shown: { labels: Record<string, string>; status: { state: string } }[] = []
    for (let i = 0; i < 300 && shown.length === 0; i++) {
      const res = await fetch(
        `${am!.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="AnomalyDetected"')}`,
      )
      assert.equal(res.status, 200)
      shown = (await res.json()) as typeof shown
      if (shown.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(shown.length, 1, 'Alertmanager shows the alert')
    const alert = shown[0]!
    assert.equal(alert.status.state, 'active')
    assert.equal(alert.labels['metric'], 'queue_depth')
    assert.equal(alert.labels['service'], 'checkout')
    assert.equal(alert.labels['severity'], 'warning')
  },
)
