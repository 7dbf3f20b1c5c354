import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import { decodeMetricBatch } from '../core/batch/index.js'
import type { MetricBatch } from '../core/batch/index.js'
import {
  DEAD_LETTER_TOPIC,
  INGEST_TOPICS,
  decodeDeadLetterRecord,
  partitionOf,
} from '../ingest/http/index.js'
import type { IngestStatus } from '../ingest/http/index.js'
import { OtlpMetricsDecoder } from '../ingest/otlp/index.js'
import { rows } from '../ingest/otlp/testing/batch-rows.js'
import type { Row } from '../ingest/otlp/testing/batch-rows.js'
import { recordSdkMetrics } from '../ingest/otlp/testing/sdk-payloads.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import type { PbTimeSeries } from '../ingest/prometheus/testing/write-request-proto.js'
import { IngestApp } from './testing/ingest-app.js'
import { readTopic } from './testing/read-topic.js'
import type { StoredRecord } from './testing/read-topic.js'

const RW_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
}

function series(name: string, job: string, instance: string, points: [number, number][]): PbTimeSeries {
  return {
    labels: [
      { name: '__name__', value: name },
      { name: 'instance', value: instance },
      { name: 'job', value: job },
    ],
    samples: points.map(([timestamp, value]) => ({ timestamp, value })),
  }
}

function decodeAll(records: readonly StoredRecord[]): MetricBatch[] {
  return records.map((r) => {
    const res = decodeMetricBatch(r.value)
    assert.ok(res.ok, res.ok ? '' : res.reason)
    return res.batch
  })
}

const sortRows = (all: Row[]): Row[] => all.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

async function status(app: IngestApp): Promise<IngestStatus> {
  return (await (await fetch(`${app.apiUrl}/api/v1/ingest/status`)).json()) as IngestStatus
}

function assertLedgerAddsUp(s: IngestStatus): void {
  for (const r of s.ledger) {
    assert.equal(r.received, r.accepted + r.deadLettered + r.dropped, JSON.stringify(r))
  }
}

describe('metrics ingest into the log', () => {
  let app: IngestApp
  const sent: PbTimeSeries[] = [
    series('http_requests_total', 'checkout', 'pod-1', [
      [1_700_000_000_000, 1],
      [1_700_000_015_000, 5],
    ]),
    series('http_requests_total', 'payments', 'pod-2', [[1_700_000_000_000, 7]]),
    series('up', 'frontend', 'pod-3', [[1_700_000_000_000, 1]]),
  ]
  let sdk: Awaited<ReturnType<typeof recordSdkMetrics>>

  before(async () => {
    app = await IngestApp.start()
    sdk = await recordSdkMetrics()
  })
  after(() => app.dispose())

  test('remote_write: 204, then every sample is in the log, keyed and partitioned by (tenant, job)', async () => {
    const res = await app.post('/api/v1/write', remoteWriteBody({ timeseries: sent }), RW_HEADERS)
    assert.equal(res.status, 204, await res.text())
  })

  test('OTLP protobuf from the JS SDK: 200 with an empty ExportMetricsServiceResponse', async () => {
    const res = await app.post('/v1/metrics', sdk.proto, { 'content-type': 'application/x-protobuf' })
    assert.equal(res.status, 200, await res.clone().text())
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf')
    assert.equal((await res.arrayBuffer()).byteLength, 0)
  })

  test('OTLP JSON from the JS SDK, gzip-compressed: 200 {}', async () => {
    const res = await app.post('/v1/metrics', gzipSync(sdk.json), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), {})
  })

  test('a point without a timestamp: 200 with a partial success, and the point is dead-lettered', async () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'queue_depth',
                  gauge: {
                    dataPoints: [{ timeUnixNano: '1700000000000000000', asDouble: 3 }, { asDouble: 4 }],
                  },
                },
              ],
            },
          ],
        },
      ],
    })
    const res = await app.post('/v1/metrics', body, { 'content-type': 'application/json' })
    assert.equal(res.status, 200)
    const answer = (await res.json()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string }
    }
    assert.equal(answer.partialSuccess.rejectedDataPoints, '1')
    assert.match(answer.partialSuccess.errorMessage, /missing_timestamp 1/)
  })

  test('the ledger adds up and /metrics exports it', async () => {
    const s = await status(app)
    assertLedgerAddsUp(s)
    const row = s.ledger.find((r) => r.tenant === 'default' && r.signal === 'metrics')
    assert.ok(row)
    assert.equal(row.deadLettered, 1)
    assert.deepEqual(row.deadLetteredByReason, { missing_timestamp: 1 })
    const text = await (await fetch(`${app.apiUrl}/metrics`)).text()
    assert.match(
      text,
      /vigil_ingest_records_total\{tenant="default",signal="metrics",outcome="received"\} \d+/,
    )
    assert.match(text, /vigil_ingest_requests_total\{protocol="remote_write",code="204"\} 1/)
  })

  test('read back: samples intact, one (tenant, service) per record, on partition hash(tenant, service)', async () => {
    const records = await app.stopAndRead(INGEST_TOPICS.metrics)
    const batches = decodeAll(records)
    for (const [i, r] of records.entries()) {
      const slash = r.key.indexOf('/')
      const tenant = r.key.slice(0, slash)
      const service = r.key.slice(slash + 1) // may hold '/', e.g. job "shop/checkout" from OTLP
      assert.equal(tenant, 'default')
      assert.equal(r.partition, partitionOf(tenant, service, 4))
      for (const labels of batches[i]!.series) {
        const job = labels[labels.indexOf('job') + 1]
        assert.equal(job, service)
      }
    }
    const all = sortRows(batches.flatMap(rows))
    // remote_write
    for (const s of sent) {
      for (const p of s.samples) {
        const match = all.filter(
          (r) =>
            r.labels['__name__'] === s.labels[0]!.value &&
            r.labels['job'] === s.labels[2]!.value &&
            r.ts === p.timestamp &&
            r.value === p.value,
        )
        assert.equal(match.length, 1, `${JSON.stringify(s.labels)} @${p.timestamp}`)
      }
    }
    // OTLP: proto and JSON each stored exactly what the decoder makes of the payload.
    const direct = new OtlpMetricsDecoder().decodeProto(sdk.proto, 'default')
    assert.ok(direct.ok)
    const expected = rows(direct.batch).map((r) => JSON.stringify(r))
    for (const e of expected) {
      const n = all.filter((r) => JSON.stringify(r) === e).length
      const inPayload = expected.filter((x) => x === e).length
      assert.equal(n, 2 * inPayload, `sample ${e} should be stored once from proto and once from JSON`)
    }
    const dead = await readTopic(app.config.log, DEAD_LETTER_TOPIC)
    assert.equal(dead.length, 1)
    const dl = decodeDeadLetterRecord(dead[0]!.value)
    assert.ok(dl.ok)
    assert.equal(dl.record.reason, 'missing_timestamp')
    assert.equal(dl.record.tenant, 'default')
    assert.equal(dl.record.records, 1)
    assert.deepEqual(JSON.parse(Buffer.from(dl.record.payload).toString('utf8')), { asDouble: 4 })
  })
})

describe('whole-request refusals: status, message and counter', () => {
  let app: IngestApp
  before(async () => {
    app = await IngestApp.start({
      ingest: { limits: { maxRequestBytes: 4096, maxDecompressedBytes: 65_536 } },
    })
  })
  after(() => app.dispose())

  const cases: {
    name: string
    send: () => Promise<Response>
    status: number
    message: RegExp
    protocol: string
    reason: string
  }[] = [
    {
      name: 'GET on an ingest path → 405',
      send: () => fetch(`${app.ingestUrl}/v1/metrics`),
      status: 405,
      message: /Use POST/,
      protocol: 'otlp_metrics',
      reason: 'method_not_allowed',
    },
    {
      name: 'OTLP with text/plain → 415',
      send: () => app.post('/v1/metrics', 'x', { 'content-type': 'text/plain' }),
      status: 415,
      message: /application\/x-protobuf or application\/json/,
      protocol: 'otlp_metrics',
      reason: 'unsupported_media_type',
    },
    {
      name: 'OTLP JSON that is not JSON → 400 naming the problem',
      send: () => app.post('/v1/metrics', '{"resourceMetrics": [', { 'content-type': 'application/json' }),
      status: 400,
      message: /Invalid OTLP metrics request: invalid JSON/,
      protocol: 'otlp_metrics',
      reason: 'malformed',
    },
    {
      name: 'remote_write that is not snappy → 400',
      send: () => app.post('/api/v1/write', 'garbage!', RW_HEADERS),
      status: 400,
      message: /Invalid remote_write request: snappy/,
      protocol: 'remote_write',
      reason: 'malformed',
    },
    {
      name: 'body over maxRequestBytes → 413',
      send: () => app.post('/v1/metrics', Buffer.alloc(10_000), { 'content-type': 'application/x-protobuf' }),
      status: 413,
      message: /maxRequestBytes/,
      protocol: 'otlp_metrics',
      reason: 'body_too_large',
    },
    {
      name: 'gzip bomb over maxDecompressedBytes → 413',
      send: () =>
        app.post('/v1/metrics', gzipSync(Buffer.alloc(1 << 20)), {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
        }),
      status: 413,
      message: /maxDecompressedBytes/,
      protocol: 'otlp_metrics',
      reason: 'decompressed_too_large',
    },
    {
      name: 'snappy bomb over maxDecompressedBytes → 413',
      // A snappy block whose header announces 100 MB: refused before anything is decompressed.
      send: () => app.post('/api/v1/write', Buffer.from([0x80, 0xc2, 0xd7, 0x2f, 0x00, 0x01]), RW_HEADERS),
      status: 413,
      message: /maxDecompressedBytes/,
      protocol: 'remote_write',
      reason: 'decompressed_too_large',
    },
    {
      name: 'unknown Content-Encoding → 415',
      send: () =>
        app.post('/v1/metrics', 'x', { 'content-type': 'application/json', 'content-encoding': 'br' }),
      status: 415,
      message: /Content-Encoding \\?"br\\?" is not supported/,
      protocol: 'otlp_metrics',
      reason: 'unsupported_encoding',
    },
    {
      name: 'remote_write 2.0 → 415 with what to configure',
      send: () =>
        app.post('/api/v1/write', 'x', {
          ...RW_HEADERS,
          'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
        }),
      status: 415,
      message: /prometheus\.WriteRequest/,
      protocol: 'remote_write',
      reason: 'unsupported_media_type',
    },
    {
      name: 'a bad X-Scope-OrgID → 400',
      send: () =>
        app.post('/v1/metrics', '{}', { 'content-type': 'application/json', 'x-scope-orgid': 'a b' }),
      status: 400,
      message: /not a valid tenant id/,
      protocol: 'otlp_metrics',
      reason: 'bad_tenant',
    },
  ]
  for (const c of cases) {
    test(c.name, async () => {
      const before = (await status(app)).refusals.find(
        (r) => r.protocol === c.protocol && r.reason === c.reason,
      )
      const res = await c.send()
      assert.equal(res.status, c.status)
      const text = await res.text()
      assert.match(text, c.message)
      const afterward = (await status(app)).refusals.find(
        (r) => r.protocol === c.protocol && r.reason === c.reason,
      )
      assert.equal(afterward?.count, (before?.count ?? 0) + 1)
    })
  }

  test('an unknown path → 404 listing the ingest endpoints', async () => {
    const res = await app.post('/v2/nothing', 'x')
    assert.equal(res.status, 404)
    assert.match(await res.text(), /\/api\/v1\/write/)
  })

  test('OTLP protobuf errors are a google.rpc.Status', async () => {
    const res = await app.post('/v1/metrics', Buffer.from([0x0a, 0xff]), {
      'content-type': 'application/x-protobuf',
    })
    assert.equal(res.status, 400)
    const body = Buffer.from(await res.arrayBuffer())
    assert.equal(body[0], 0x08) // field 1 (code), varint
    assert.equal(body[1], 3) // INVALID_ARGUMENT
    assert.equal(body[2], 0x12) // field 2 (message), length-delimited
    assert.match(body.subarray(4).toString('utf8'), /Invalid OTLP metrics request/)
  })
})
