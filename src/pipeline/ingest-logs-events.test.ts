import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { decodeBatch } from '../core/batch/index.js'
import type { EventBatch, LogBatch } from '../core/batch/index.js'
import { DEAD_LETTER_TOPIC, INGEST_TOPICS, decodeDeadLetterRecord } from '../ingest/http/index.js'
import type { IngestStatus } from '../ingest/http/index.js'
import { lokiProtoBody, selector } from '../ingest/loki/testing/push-request-proto.js'
import { IngestApp } from './testing/ingest-app.js'
import { readTopic } from './testing/read-topic.js'

describe('Loki push and NDJSON events into the log', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({ ingest: { limits: { maxLogLineLength: 100 } } })
  })
  after(() => app.dispose())

  test('Loki protobuf (snappy), as Promtail sends it: 204', async () => {
    const body = lokiProtoBody({
      streams: [
        {
          labels: selector([
            ['service_name', 'api'],
            ['level', 'error'],
          ]),
          entries: [
            { timestamp: { seconds: 1_700_000_000, nanos: 5 }, line: 'db timeout after 3000ms' },
            { timestamp: { seconds: 1_700_000_001, nanos: 0 }, line: 'retrying' },
          ],
        },
      ],
    })
    const res = await app.post('/loki/api/v1/push', body, { 'content-type': 'application/x-protobuf' })
    assert.equal(res.status, 204, await res.text())
  })

  test('Loki JSON, gzip, with one line over the limit: 400 naming it, the rest stored', async () => {
    const body = JSON.stringify({
      streams: [
        {
          stream: { job: 'worker' },
          values: [
            ['1700000002000000000', 'job 42 done', { trace_id: 'abc' }],
            ['1700000003000000000', 'x'.repeat(101)],
          ],
        },
      ],
    })
    const res = await app.post('/loki/api/v1/push', gzipSync(body), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })
    assert.equal(res.status, 400)
    assert.match(await res.text(), /1 of 2 entries rejected \(the rest were stored\): line_too_long 1/)
  })

  test('NDJSON events: 200 with per-line errors; a bad stream name is a 400', async () => {
    const body = [
      JSON.stringify({ time: '2023-11-14T22:13:20Z', service: 'shop', type: 'order', user: { id: 7 } }),
      'not json',
      JSON.stringify({ type: 'refund', amount: 12.5 }),
    ].join('\n')
    const res = await app.post('/api/v1/events/orders', body, { 'content-type': 'application/x-ndjson' })
    assert.equal(res.status, 200)
    const answer = (await res.json()) as {
      accepted: number
      rejected: number
      errors: { line: number; reason: string }[]
    }
    assert.equal(answer.accepted, 2)
    assert.equal(answer.rejected, 1)
    assert.deepEqual(answer.errors, [{ line: 2, reason: 'invalid_json' }])
    const bad = await app.post('/api/v1/events/bad%20name', '{}', { 'content-type': 'application/x-ndjson' })
    assert.equal(bad.status, 400)
    assert.match(((await bad.json()) as { error: string }).error, /invalid stream name/)
  })

  test('the ledger adds up per signal', async () => {
    const s = (await (await fetch(`${app.apiUrl}/api/v1/ingest/status`)).json()) as IngestStatus
    const logs = s.ledger.find((r) => r.signal === 'logs')
    const events = s.ledger.find((r) => r.signal === 'events')
    assert.deepEqual([logs?.received, logs?.accepted, logs?.deadLettered], [4, 3, 1])
    assert.deepEqual([events?.received, events?.accepted, events?.deadLettered], [3, 2, 1])
  })

  test('read back: log rows and events intact; rejects dead-lettered with their bytes', async () => {
    const logs = (await app.stopAndRead(INGEST_TOPICS.logs)).map((r) => {
      const d = decodeBatch(r.value)
      assert.ok(d.ok && d.batch.kind === 'logs')
      return { key: r.key, batch: d.batch as LogBatch }
    })
    const lines = logs.flatMap(({ batch }) =>
      batch.rows.map((row) => [batch.resources[row.resource]!.service, row.body, row.timeMs, row.timeNanos]),
    )
    assert.deepEqual(lines.sort(), [
      ['api', 'db timeout after 3000ms', 1_700_000_000_000, 5],
      ['api', 'retrying', 1_700_000_001_000, 0],
      ['worker', 'job 42 done', 1_700_000_002_000, 0],
    ])
    assert.deepEqual(logs.map((l) => l.key).sort(), ['default/api', 'default/worker'])
    const events = (await readTopic(app.config.log, INGEST_TOPICS.events)).map((r) => {
      const d = decodeBatch(r.value)
      assert.ok(d.ok && d.batch.kind === 'events')
      return d.batch as EventBatch
    })
    const rows = events.flatMap((b) => b.rows.map((r) => ({ stream: b.stream, ...r })))
    assert.equal(rows.length, 2)
    const order = rows.find((r) => r.service === 'shop')
    assert.ok(order)
    assert.equal(order.stream, 'orders')
    assert.equal(order.timeMs, 1_700_000_000_000)
    assert.equal(order.fields[order.fields.indexOf('user.id') + 1], '7')
    const dead = (await readTopic(app.config.log, DEAD_LETTER_TOPIC)).map((r) => {
      const d = decodeDeadLetterRecord(r.value)
      assert.ok(d.ok)
      return d.record
    })
    assert.deepEqual(dead.map((d) => [d.signal, d.reason, d.format]).sort(), [
      ['events', 'invalid_json', 'ndjson.line'],
      ['logs', 'line_too_long', 'loki.json.Entry'],
    ])
    assert.equal(Buffer.from(dead.find((d) => d.signal === 'events')!.payload).toString(), 'not json')
  })
})
