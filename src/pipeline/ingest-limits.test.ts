import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { decodeMetricBatch } from '../core/batch/index.js'
import { DEAD_LETTER_TOPIC, decodeDeadLetterRecord } from '../ingest/http/index.js'
import type { IngestStatus } from '../ingest/http/index.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import type { PbTimeSeries } from '../ingest/prometheus/testing/write-request-proto.js'
import { IngestApp } from './testing/ingest-app.js'
import { readTopic } from './testing/read-topic.js'

const RW_HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }

function rw(names: string[], extraLabels: [string, string][] = [], ts = 1_700_000_000_000): Uint8Array {
  const timeseries: PbTimeSeries[] = names.map((n) => ({
    labels: [{ name: '__name__', value: n }, ...extraLabels.map(([name, value]) => ({ name, value }))],
    samples: [{ timestamp: ts, value: 1 }],
  }))
  return remoteWriteBody({ timeseries })
}

async function status(app: IngestApp): Promise<IngestStatus> {
  return (await (await fetch(`${app.apiUrl}/api/v1/ingest/status`)).json()) as IngestStatus
}

function refusals(s: IngestStatus, reason: string): number {
  return s.refusals.filter((r) => r.reason === reason).reduce((n, r) => n + r.count, 0)
}

function ledger(s: IngestStatus, tenant: string): IngestStatus['ledger'][number] {
  const row = s.ledger.find((r) => r.tenant === tenant && r.signal === 'metrics')
  assert.ok(row, `no ledger row for ${tenant}`)
  assert.equal(row.received, row.accepted + row.deadLettered + row.dropped)
  return row
}

describe('request rate per tenant', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({
      ingest: { limits: { requestsPerSecondPerTenant: 1, requestBurstPerTenant: 2 } },
    })
  })
  after(() => app.dispose())

  test('past the burst: 429 with Retry-After, a message naming the limit, and a counter; other tenants unaffected', async () => {
    for (let i = 0; i < 2; i++)
      assert.equal((await app.post('/api/v1/write', rw(['a']), RW_HEADERS)).status, 204)
    const res = await app.post('/api/v1/write', rw(['a']), RW_HEADERS)
    assert.equal(res.status, 429)
    assert.ok(Number(res.headers.get('retry-after')) >= 1)
    assert.match(await res.text(), /requestsPerSecondPerTenant/)
    assert.equal(refusals(await status(app), 'rate_limited'), 1)
    const other = await app.post('/api/v1/write', rw(['a']), { ...RW_HEADERS, 'x-scope-orgid': 'other' })
    assert.equal(other.status, 204)
  })
})

describe('series cardinality per tenant', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({ ingest: { limits: { maxSeriesPerTenant: 2 } } })
  })
  after(() => app.dispose())

  test('new series beyond the limit are dead-lettered with a reason while existing series keep flowing', async () => {
    assert.equal((await app.post('/api/v1/write', rw(['s1', 's2']), RW_HEADERS)).status, 204)
    const over = await app.post('/api/v1/write', rw(['s1', 's2', 's3'], [], 1_700_000_001_000), RW_HEADERS)
    assert.equal(over.status, 400)
    assert.match(
      await over.text(),
      /1 samples of 1 new series refused: .*maxSeriesPerTenant.*existing series keep flowing/,
    )
    assert.equal(
      (await app.post('/api/v1/write', rw(['s1', 's2'], [], 1_700_000_002_000), RW_HEADERS)).status,
      204,
    )
    const otherTenant = await app.post('/api/v1/write', rw(['s3']), { ...RW_HEADERS, 'x-scope-orgid': 't2' })
    assert.equal(otherTenant.status, 204)
    const row = ledger(await status(app), 'default')
    assert.equal(row.accepted, 6)
    assert.deepEqual(row.deadLetteredByReason, { series_limit: 1 })
    await app.app.shutdown()
    const dead = await readTopic(app.config.log, DEAD_LETTER_TOPIC)
    assert.equal(dead.length, 1)
    const dl = decodeDeadLetterRecord(dead[0]!.value)
    assert.ok(dl.ok)
    assert.equal(dl.record.reason, 'series_limit')
    assert.equal(dl.record.format, 'vigil.MetricBatch')
    const batch = decodeMetricBatch(dl.record.payload)
    assert.ok(batch.ok)
    assert.deepEqual(batch.batch.series, [['__name__', 's3']])
    assert.deepEqual([...batch.batch.ts], [1_700_000_001_000])
  })
})

describe('label limits', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({
      ingest: { limits: { maxLabelsPerSeries: 3, maxLabelNameLength: 10, maxLabelValueLength: 20 } },
    })
  })
  after(() => app.dispose())

  const cases: [string, [string, string][], string][] = [
    [
      'labels per series',
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      'too_many_labels',
    ],
    ['label name length', [['a_very_long_label_name', '1']], 'label_name_too_long'],
    ['label value length', [['a', 'x'.repeat(21)]], 'label_value_too_long'],
  ]
  for (const [name, labels, reason] of cases) {
    test(`${name}: the series is rejected with reason ${reason}, the rest accepted`, async () => {
      const body = remoteWriteBody({
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'ok' }],
            samples: [{ timestamp: 1_700_000_000_000, value: 1 }],
          },
          {
            labels: [{ name: '__name__', value: 'bad' }, ...labels.map(([n, v]) => ({ name: n, value: v }))],
            samples: [{ timestamp: 1_700_000_000_000, value: 1 }],
          },
        ],
      })
      const row = (await status(app)).ledger.find((r) => r.tenant === 'default')
      const before = row?.deadLetteredByReason[reason] ?? 0
      const res = await app.post('/api/v1/write', body, RW_HEADERS).catch(() => undefined)
      assert.ok(res)
      assert.equal(res.status, 400)
      assert.match(await res.text(), /1 of 2 samples rejected \(the rest were stored\)/)
      assert.equal(ledger(await status(app), 'default').deadLetteredByReason[reason], before + 1)
    })
  }
})

describe('attributes per record and log line length', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({ ingest: { limits: { maxAttributesPerRecord: 2, maxLogLineLength: 10 } } })
  })
  after(() => app.dispose())

  const logRecord = (body: string, attributes: number): unknown => ({
    timeUnixNano: '1700000000000000000',
    body: { stringValue: body },
    attributes: Array.from({ length: attributes }, (_, i) => ({ key: `k${i}`, value: { stringValue: 'v' } })),
  })

  test('OTLP logs: records over a limit are rejected with a partial success and counted; the rest stored', async () => {
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
          scopeLogs: [
            { logRecords: [logRecord('ok', 2), logRecord('too many', 3), logRecord('x'.repeat(11), 0)] },
          ],
        },
      ],
    })
    const res = await app.post('/v1/logs', body, { 'content-type': 'application/json' })
    assert.equal(res.status, 200)
    const answer = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string }
    }
    assert.equal(answer.partialSuccess.rejectedLogRecords, '2')
    assert.match(answer.partialSuccess.errorMessage, /too_many_attributes 1/)
    assert.match(answer.partialSuccess.errorMessage, /body_too_long 1/)
    const row = (await status(app)).ledger.find((r) => r.signal === 'logs')
    assert.ok(row)
    assert.deepEqual(row.deadLetteredByReason, { too_many_attributes: 1, body_too_long: 1 })
    assert.equal(row.accepted, 1)
    assert.equal(row.received, row.accepted + row.deadLettered + row.dropped)
  })
})

describe('tenants, concurrency and memory', () => {
  test('a tenant beyond maxTenants gets 429', async () => {
    const app = await IngestApp.start({ ingest: { limits: { maxTenants: 1 } } })
    try {
      assert.equal((await app.post('/api/v1/write', rw(['a']), RW_HEADERS)).status, 204)
      const res = await app.post('/api/v1/write', rw(['a']), { ...RW_HEADERS, 'x-scope-orgid': 'second' })
      assert.equal(res.status, 429)
      assert.match(await res.text(), /maxTenants/)
      assert.equal(refusals(await status(app), 'too_many_tenants'), 1)
    } finally {
      await app.dispose()
    }
  })

  test('over the memory ceiling: 503 with Retry-After', async () => {
    const app = await IngestApp.start({ ingest: { retryAfterSeconds: 7, limits: { maxRssBytes: 1 } } })
    try {
      const res = await app.post('/api/v1/write', rw(['a']), RW_HEADERS)
      assert.equal(res.status, 503)
      assert.equal(res.headers.get('retry-after'), '7')
      assert.match(await res.text(), /memory ceiling.*maxRssBytes/)
      assert.equal(refusals(await status(app), 'memory'), 1)
    } finally {
      await app.dispose()
    }
  })

  test('past maxConcurrentRequests: 503 with Retry-After while a slow request holds the slot', async () => {
    const app = await IngestApp.start({ ingest: { limits: { maxConcurrentRequests: 1 } } })
    try {
      const { port } = app.app.ingestAddress()
      // A request whose body never finishes holds the only slot.
      const slow = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/write',
        headers: { ...RW_HEADERS, 'content-length': 100 },
      })
      slow.on('error', () => undefined)
      slow.write(Buffer.alloc(10))
      await waitUntil(async () => (await status(app)).inFlight.requests === 1)
      const res = await app.post('/api/v1/write', rw(['a']), RW_HEADERS)
      assert.equal(res.status, 503)
      assert.ok(res.headers.get('retry-after'))
      assert.match(await res.text(), /maxConcurrentRequests/)
      slow.destroy()
      await waitUntil(async () => (await status(app)).inFlight.requests === 0)
      assert.equal((await app.post('/api/v1/write', rw(['a']), RW_HEADERS)).status, 204)
    } finally {
      await app.dispose()
    }
  })
})

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
