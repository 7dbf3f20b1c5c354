import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { join } from 'node:path'
import { decodeResultBatch } from '../core/batch/index.js'
import { systemClock } from '../core/index.js'
import type { ResultRow } from '../core/batch/index.js'
import { STORE_FILE, StoreDatabase } from '../store/index.js'
import { IngestApp } from './testing/ingest-app.js'
import { otlpGauge } from './testing/otlp-gauge.js'
import { readTopic } from './testing/read-topic.js'

const T0 = 1_700_000_000_000 // a 10 s window boundary

interface TaskView {
  job: string
  watermark: string | null
  counters: Record<string, number>
}

async function engineTasks(app: IngestApp): Promise<TaskView[]> {
  const res = await fetch(`${app.apiUrl}/api/v1/engine/status`)
  assert.equal(res.status, 200)
  return ((await res.json()) as { tasks: TaskView[] }).tasks
}

async function waitFor(what: string, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await ok()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  assert.fail(`timed out waiting for ${what}`)
}

let app: IngestApp
before(async () => {
  app = await IngestApp.start({
    ingest: { partitions: 1 },
    engine: {
      checkpointInterval: 100,
      maxOutOfOrderness: 0,
      idleTimeout: 60_000,
      allowedLateness: 30_000,
      tasks: 1,
    },
    jobs: {
      rollups: { enabled: true, windows: [10_000] },
      red: { enabled: false, windows: [10_000] },
      logCounts: { enabled: false, windows: [60_000] },
      detect: {
        enabled: false,
        minScore: 0.5,
        maxSeriesPerTask: 100_000,
        idleTimeout: 3_600_000,
        detector: {},
        shadow: null,
      },
    },
  })
})
after(() => app.dispose())

test('metrics sent to ingest come out of the rollup job as revisioned results, retries and late data included', async () => {
  const send = async (service: string, points: readonly (readonly [number, number])[]): Promise<void> => {
    const res = await app.post('/v1/metrics', otlpGauge(service, points), {
      'content-type': 'application/json',
    })
    assert.equal(res.status, 200, await res.text())
  }
  const first: [number, number][] = [
    [T0 + 1_000, 2],
    [T0 + 2_000, 5],
    [T0 + 3_000, 11],
  ]
  await send('billing', first)
  await send('billing', first) // a client retry of the same samples: identified by (series, ts), not counted twice
  await send('billing', [[T0 + 25_000, 1]]) // moves the watermark past the first window's end
  const watermarkPast = async (ms: number): Promise<boolean> =>
    (await engineTasks(app)).some(
      (t) => t.job === 'rollups' && t.watermark !== null && Date.parse(t.watermark) >= ms,
    )
  await waitFor('the watermark to pass the first window', () => watermarkPast(T0 + 25_000 - 1))

  await send('billing', [[T0 + 4_000, 100]]) // late, within the allowed lateness: revision 2
  await send('billing', [[T0 - 60_000, 7]]) // later than the allowed lateness: the late topic
  await waitFor('the late record to be counted', async () =>
    (await engineTasks(app)).some((t) => (t.counters['side.late.window_closed'] ?? 0) >= 1),
  )

  // The store sink writes the results while Vigil runs (not only when it stops).
  await waitFor('the store to hold the first window and its late revision', async () => {
    const res = await fetch(`${app.apiUrl}/api/v1/store/status`)
    assert.equal(res.status, 200)
    const body = (await res.json()) as { path: string; sink: { rowsWritten: number } }
    assert.match(body.path, /store\/vigil\.duckdb$/)
    return body.sink.rowsWritten >= 2
  })

  const metrics = await (await fetch(`${app.apiUrl}/metrics`)).text()
  const written = /^vigil_store_rows_written_total (\d+)$/m.exec(metrics)
  assert.ok(written !== null && Number(written[1]) >= 2, 'vigil_store_rows_written_total on /metrics')
  assert.match(metrics, /^vigil_store_failed_transactions_total 0$/m)

  await app.app.shutdown()
  const rows: ResultRow[] = []
  for (const r of await readTopic(app.config.log, 'vigil.results.rollups', 'read_committed')) {
    const d = decodeResultBatch(r.value)
    assert.ok(d.ok)
    rows.push(...d.batch.rows)
  }
  const first10s = rows
    .filter((r) => r.windowStart === T0)
    .map((r) => [r.tenant, r.key, r.revision, r.final, r.count, r.sum, r.min, r.max, r.last])
  const key = '__name__\u0000queue_depth\u0000job\u0000billing\u0000service\u0000billing'
  assert.deepEqual(first10s, [
    ['default', key, 1, true, 3, 18, 2, 11, 11],
    ['default', key, 2, true, 4, 118, 2, 100, 100], // last: the sample with the latest event time (T0+4s)
  ])
  // The store (drained at shutdown) holds exactly the committed result rows, revisions included.
  const db = await StoreDatabase.open(join(app.config.log.dataDir, STORE_FILE), { clock: systemClock })
  try {
    const stored = (
      await db.connection.runAndReadAll(
        'SELECT tenant, key, window_start_ms, revision, count, sum FROM rollups_10s ORDER BY ALL',
      )
    ).getRows()
    const expected = rows
      .map((r) => [r.tenant, r.key, BigInt(r.windowStart), r.revision, r.count, r.sum])
      .sort(
        (a, b) =>
          String(a[1]).localeCompare(String(b[1])) ||
          Number(a[2]) - Number(b[2]) ||
          Number(a[3]) - Number(b[3]),
      )
    assert.ok(expected.length >= 2)
    assert.deepEqual(stored, expected)
  } finally {
    db.close()
  }
  const late = await readTopic(app.config.log, 'vigil.late.rollups', 'read_committed')
  assert.equal(late.length, 1)
  const body = JSON.parse(Buffer.from(late[0]!.value).toString('utf8')) as { reason: string; record: unknown }
  assert.equal(body.reason, 'window_closed')
  assert.match(JSON.stringify(body.record), new RegExp(String(T0 - 60_000)))
})
