import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { decodeAnomalyBatch } from '../core/batch/index.js'
import type { AnomalyRow } from '../core/batch/index.js'
import { IngestApp } from './testing/ingest-app.js'
import { readTopic } from './testing/read-topic.js'

const T0 = 1_700_000_000_000 // a 10 s window boundary
const WINDOWS = 700
const SPIKE = 600

function gauge(points: readonly (readonly [number, number])[]): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'queue_depth',
                gauge: { dataPoints: points.map(([t, v]) => ({ timeUnixNano: `${t}000000`, asDouble: v })) },
              },
            ],
          },
        ],
      },
    ],
  })
}

let app: IngestApp
before(async () => {
  app = await IngestApp.start({
    ingest: { partitions: 1 },
    engine: {
      checkpointInterval: 100,
      maxOutOfOrderness: 0,
      idleTimeout: 60_000,
      allowedLateness: 0,
      tasks: 1,
    },
    jobs: {
      rollups: { enabled: true, windows: [10_000] },
      red: { enabled: false, windows: [10_000] },
      logCounts: { enabled: false, windows: [60_000] },
      detect: { enabled: true, minScore: 0.5, maxSeriesPerTask: 1000, idleTimeout: 3_600_000 },
    },
  })
})
after(() => app.dispose())

test('the detectors score every closed window of a series; a spike becomes one alerting anomaly on vigil.anomalies', async () => {
  // One sample per 10 s window: a gauge of 40–46, a spike to 400 in window SPIKE.
  for (let from = 0; from <= WINDOWS; from += 100) {
    const points: [number, number][] = []
    for (let i = from; i < Math.min(from + 100, WINDOWS + 1); i++) {
      points.push([T0 + i * 10_000 + 5_000, i === SPIKE ? 400 : 40 + ((i * 7) % 7)])
    }
    const res = await app.post('/v1/metrics', gauge(points), { 'content-type': 'application/json' })
    assert.equal(res.status, 200, await res.text())
  }
  // Window WINDOWS − 1 closes once the last sample (in window WINDOWS) moved the watermark.
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`${app.apiUrl}/api/v1/engine/status`)
    const tasks = ((await res.json()) as { tasks: { job: string; counters: Record<string, number> }[] }).tasks
    if (tasks.some((t) => t.job === 'rollups' && (t.counters['detect.scored'] ?? 0) >= WINDOWS)) break
    await new Promise((r) => setTimeout(r, 50))
  }
  await app.app.shutdown()
  const anomalies: AnomalyRow[] = []
  for (const r of await readTopic(app.config.log, 'vigil.anomalies', 'read_committed')) {
    const d = decodeAnomalyBatch(r.value)
    assert.ok(d.ok)
    anomalies.push(...d.batch.rows)
  }
  const alerts = anomalies.filter((a) => a.alert)
  assert.deepEqual(
    alerts.map((a) => [a.tenant, a.source, a.feature, a.timeMs, a.value]),
    [['default', 'rollups', 'mean', T0 + (SPIKE + 1) * 10_000, 400]],
  )
  assert.ok(alerts[0]!.score >= 0.95)
  // Each window is scored once: no anomaly row is repeated.
  const ids = anomalies.map((a) => `${a.key}/${a.feature}/${a.timeMs}`)
  assert.equal(new Set(ids).size, ids.length)
})
