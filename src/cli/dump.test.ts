import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEAD_LETTER_TOPIC, INGEST_TOPICS } from '../ingest/http/index.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import { IngestApp } from '../pipeline/testing/ingest-app.js'
import { runVigil } from './testing/run-vigil.js'

test('vigil log dump prints decoded batches and dead letters as NDJSON', async () => {
  const app = await IngestApp.start()
  try {
    const rw = await app.post(
      '/api/v1/write',
      remoteWriteBody({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'up' },
              { name: 'job', value: 'api' },
            ],
            samples: [{ timestamp: 1_700_000_000_000, value: 1 }],
          },
        ],
      }),
      { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    )
    assert.equal(rw.status, 204)
    const events = await app.post('/api/v1/events/orders', '{"a":1}\nnot json\n', {
      'content-type': 'application/x-ndjson',
    })
    assert.equal(events.status, 200)
    await app.app.shutdown()
    const dataDir = app.config.log.dataDir

    const metrics = await runVigil([
      'log',
      'dump',
      '--data-dir',
      dataDir,
      '--topic',
      INGEST_TOPICS.metrics,
      '--full',
    ])
    assert.equal(metrics.code, 0, metrics.stderr)
    const lines = metrics.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            key: string
            batch: { kind: string; samples: { labels: Record<string, string>; ts: number; value: number }[] }
          },
      )
    assert.equal(lines.length, 1)
    assert.equal(lines[0]!.key, 'default/api')
    assert.deepEqual(lines[0]!.batch.samples, [
      { labels: { __name__: 'up', job: 'api' }, kind: 'unknown', ts: 1_700_000_000_000, value: 1 },
    ])

    const dead = await runVigil(['log', 'dump', '--data-dir', dataDir, '--topic', DEAD_LETTER_TOPIC])
    const dl = JSON.parse(dead.stdout.trim()) as {
      deadLetter: { reason: string; signal: string; payloadBase64: string }
    }
    assert.equal(dl.deadLetter.reason, 'invalid_json')
    assert.equal(dl.deadLetter.signal, 'events')
    assert.equal(Buffer.from(dl.deadLetter.payloadBase64, 'base64').toString(), 'not json')

    const missing = await runVigil(['log', 'dump', '--data-dir', dataDir, '--topic', 'nope'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /no topic nope .*vigil\.ingest\.metrics/)
  } finally {
    await app.dispose()
  }
})
