import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { decodeAnomalyBatch } from '../core/batch/index.js'
import type { AnomalyRow } from '../core/batch/index.js'
import { IngestApp } from './testing/ingest-app.js'
import { otlpGauge } from './testing/otlp-gauge.js'
import { readTopic } from './testing/read-topic.js'

const T0 = 1_700_000_000_000 // a 10 s window boundary
const WINDOWS = 700
const SPIKE = 600

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
      detect: {
        enabled: true,
        minScore: 0.5,
        maxSeriesPerTask: 1000,
        idleTimeout: 3_600_000,
        // A shadow candidate (a shorter warm-up) beside the live detector.
        shadow: { rangePoints: 200, warmupPoints: 300 },
      },
    },
  })
})
after(() => app.dispose())

test('the detectors score every closed window of a series; a spike becomes one alerting anomaly on vigil.anomalies', async (t) => {
  // One sample per 10 s window: a gauge of 40–46, a spike to 400 in window SPIKE.
  const send = async (from: number, to: number): Promise<void> => {
    const points: [number, number][] = []
    for (let i = from; i < to; i++)
      points.push([T0 + i * 10_000 + 5_000, i === SPIKE ? 400 : 40 + ((i * 7) % 7)])
    const res = await app.post('/v1/metrics', otlpGauge('checkout', points), {
      'content-type': 'application/json',
    })
    assert.equal(res.status, 200, await res.text())
  }
  const scored = async (): Promise<number> => {
    const res = await fetch(`${app.apiUrl}/api/v1/engine/status`)
    const tasks = ((await res.json()) as { tasks: { job: string; counters: Record<string, number> }[] }).tasks
    return tasks.find((t) => t.job === 'rollups')?.counters['detect.scored'] ?? 0
  }
  const waitScored = async (n: number): Promise<void> => {
    for (let i = 0; i < 600 && (await scored()) < n; i++) await new Promise((r) => setTimeout(r, 50))
    assert.ok((await scored()) >= n, `${n} windows scored`)
  }
  for (let from = 0; from < SPIKE; from += 100) await send(from, Math.min(from + 100, SPIKE))
  await waitScored(SPIKE - 1)

  // Poll the API while the spike's window arrives and closes: the anomaly is served within a second
  // of being scored (the window's close) — the engine commits it with the window's result, the
  // store sink writes it, the query reads it.
  type Served = { timeMs: number; value: number; alert: boolean; detectedAtMs: number }
  let served: Served | undefined
  let servedAtMs = 0
  let polling = true
  const poller = (async () => {
    while (polling && served === undefined) {
      const q = new URLSearchParams({
        start: String(T0 / 1000),
        end: String(T0 / 1000 + WINDOWS * 10 + 60),
        alert: 'true',
      })
      const res = await fetch(`${app.apiUrl}/api/v1/anomalies?${q.toString()}`)
      assert.equal(res.status, 200)
      const body = (await res.json()) as { data: { anomalies: Served[] } }
      if (body.data.anomalies[0] !== undefined) {
        served = body.data.anomalies[0]
        servedAtMs = Date.now()
      } else await new Promise((r) => setTimeout(r, 10))
    }
  })()
  await send(SPIKE, WINDOWS + 1)
  await waitScored(WINDOWS)
  for (let i = 0; i < 300 && served === undefined; i++) await new Promise((r) => setTimeout(r, 10))
  polling = false
  await poller
  assert.ok(served !== undefined, 'the anomaly is served by /api/v1/anomalies')
  assert.equal(served.timeMs, T0 + (SPIKE + 1) * 10_000)
  assert.equal(served.value, 400)
  const latencyMs = servedAtMs - served.detectedAtMs
  t.diagnostic(`the anomaly was served ${latencyMs} ms after the window closed and was scored`)
  assert.ok(latencyMs >= 0 && latencyMs < 1_000, `served ${latencyMs} ms after the window closed`)

  await app.app.shutdown()
  const anomalies: AnomalyRow[] = []
  for (const r of await readTopic(app.config.log, 'vigil.anomalies', 'read_committed')) {
    const d = decodeAnomalyBatch(r.value)
    assert.ok(d.ok)
    anomalies.push(...d.batch.rows)
  }
  const shadow = anomalies.filter((a) => a.feature.endsWith('@shadow'))
  assert.ok(
    shadow.some((a) => a.alert && a.timeMs === T0 + (SPIKE + 1) * 10_000 && a.feature === 'mean@shadow'),
    'the shadow detector scored the spike too, under mean@shadow',
  )
  const alerts = anomalies.filter((a) => a.alert && !a.feature.endsWith('@shadow'))
  assert.deepEqual(
    alerts.map((a) => [a.tenant, a.source, a.feature, a.timeMs, a.value]),
    [['default', 'rollups', 'mean', T0 + (SPIKE + 1) * 10_000, 400]],
  )
  assert.ok(alerts[0]!.score >= 0.95)
  // Each window is scored once: no anomaly row is repeated.
  const ids = anomalies.map((a) => `${a.key}/${a.feature}/${a.timeMs}`)
  assert.equal(new Set(ids).size, ids.length)
})
