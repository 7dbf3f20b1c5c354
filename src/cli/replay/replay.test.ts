import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { decodeResultBatch } from '../../core/batch/index.js'
import type { ResultRow } from '../../core/batch/index.js'
import { systemClock } from '../../core/index.js'
import { DEMO_GEN_OPTIONS, runGenerator } from '../../gen/index.js'
import { IngestApp } from '../../pipeline/testing/ingest-app.js'
import { readTopic } from '../../pipeline/testing/read-topic.js'
import { runVigil } from '../testing/run-vigil.js'

/** Per window identity, the row with the highest revision; fails on two rows of one revision. */
async function latestRows(app: IngestApp, topic: string): Promise<Map<string, ResultRow>> {
  const out = new Map<string, ResultRow>()
  for (const r of await readTopic(app.config.log, topic, 'read_committed')) {
    const d = decodeResultBatch(r.value)
    assert.ok(d.ok, `${topic}: ${d.ok ? '' : d.reason}`)
    for (const row of d.batch.rows) {
      const id = [row.tenant, row.key, row.windowMs, row.windowStart].join('|')
      const prev = out.get(id)
      assert.ok(prev?.revision !== row.revision, `${topic}: ${id} revision ${row.revision} twice`)
      if (prev === undefined || prev.revision < row.revision) out.set(id, row)
    }
  }
  return out
}

const values = (r: ResultRow): unknown[] => [
  r.count,
  r.sum,
  r.min,
  r.max,
  r.last,
  r.mean,
  r.p50,
  r.p99,
  r.errors,
]

test('vigil replay of every job over the whole log equals the live results, into a new versioned topic', async () => {
  // The same job settings live and for the replay (results depend on them, e.g. window sizes).
  const settings = {
    engine: {
      checkpointInterval: 200,
      maxOutOfOrderness: 1_000,
      idleTimeout: 500,
      allowedLateness: 30_000,
      tasks: 2,
    },
    jobs: {
      rollups: { enabled: true, windows: [1_000, 2_000] },
      red: { enabled: true, windows: [1_000] },
      logCounts: { enabled: true, windows: [1_000] },
      detect: {
        enabled: false,
        minScore: 0.5,
        maxSeriesPerTask: 100_000,
        idleTimeout: 3_600_000,
        detector: {},
        shadow: null,
      },
    },
  }
  const app = await IngestApp.start(settings)
  const configFile = join(app.config.log.dataDir, '..', 'replay-config.json')
  await writeFile(configFile, JSON.stringify(settings))
  try {
    const url = app.ingestUrl
    await runGenerator(
      { ...DEMO_GEN_OPTIONS, url, durationS: 4, rate: 400, series: 50 },
      { clock: systemClock },
    )
    await new Promise((r) => setTimeout(r, 1_000)) // the last windows of the live run close and commit
    await app.app.shutdown()

    for (const job of ['rollups', 'red', 'log-counts']) {
      const out = await runVigil([
        'replay',
        '--job',
        job,
        '--from',
        'earliest',
        '--data-dir',
        app.config.log.dataDir,
        '--config',
        configFile,
      ])
      assert.equal(out.code, 0, out.stderr)
      assert.match(out.stdout, new RegExp(`Replay v1 of ${job} is complete`))
      assert.match(out.stderr, /100%/)

      const live = await latestRows(app, `vigil.results.${job}`)
      const replay = await latestRows(app, `vigil.results.${job}.v1`)
      assert.ok(live.size > 0, `${job}: the live run produced results`)
      assert.equal(
        (await readTopic(app.config.log, `vigil.late.${job}`)).length,
        0,
        `${job}: nothing was late live`,
      )
      for (const [id, row] of live) {
        const again = replay.get(id)
        assert.ok(again !== undefined, `${job}: replay misses ${id}`)
        assert.deepEqual(values(again), values(row), `${job}: ${id}`)
      }
      // The replay also emits the windows still open when the live run stopped (its input ended).
      const liveClosedUpTo = Math.max(...[...live.values()].map((r) => r.windowEnd))
      for (const [id, row] of replay) {
        if (!live.has(id))
          assert.ok(row.windowEnd >= liveClosedUpTo - 2_000, `${job}: extra closed window ${id}`)
      }
    }
  } finally {
    await app.dispose()
  }
})
