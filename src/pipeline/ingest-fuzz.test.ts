import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import snappy from 'snappy'
import type { IngestStatus } from '../ingest/http/index.js'
import { recordSdkMetrics } from '../ingest/otlp/testing/sdk-payloads.js'
import { recordSdkLogs, recordSdkTraces } from '../ingest/otlp/testing/sdk-logs-traces.js'
import { lokiProtoBody, selector } from '../ingest/loki/testing/push-request-proto.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import { IngestApp } from './testing/ingest-app.js'

interface Target {
  readonly path: string
  readonly headers: Record<string, string>
  /** A valid body to truncate and mutate. */
  readonly valid: Uint8Array
}

/**
 * Random, truncated and bit-flipped bodies at every ingest endpoint: the server answers each with
 * a status below 500 (2xx when the mutation happens to stay valid, else 4xx), never crashes, and
 * the ledger still adds up afterwards.
 */
describe('fuzzed bodies at every endpoint', () => {
  let app: IngestApp
  let targets: Target[]
  before(async () => {
    app = await IngestApp.start({ ingest: { limits: { requestsPerSecondPerTenant: 0 } } })
    const metrics = await recordSdkMetrics()
    const logs = recordSdkLogs()
    const traces = recordSdkTraces()
    const proto = { 'content-type': 'application/x-protobuf' }
    const json = { 'content-type': 'application/json' }
    targets = [
      { path: '/v1/metrics', headers: proto, valid: metrics.proto },
      { path: '/v1/metrics', headers: json, valid: metrics.json },
      { path: '/v1/logs', headers: proto, valid: logs.proto },
      { path: '/v1/logs', headers: json, valid: logs.json },
      { path: '/v1/traces', headers: proto, valid: traces.proto },
      { path: '/v1/traces', headers: json, valid: traces.json },
      {
        path: '/api/v1/write',
        headers: { ...proto, 'content-encoding': 'snappy' },
        valid: remoteWriteBody({
          timeseries: [
            { labels: [{ name: '__name__', value: 'up' }], samples: [{ timestamp: 1, value: 1 }] },
          ],
        }),
      },
      {
        path: '/loki/api/v1/push',
        headers: proto,
        valid: lokiProtoBody({
          streams: [
            {
              labels: selector([['job', 'a']]),
              entries: [{ timestamp: { seconds: 1, nanos: 2 }, line: 'x' }],
            },
          ],
        }),
      },
      {
        path: '/loki/api/v1/push',
        headers: json,
        valid: Buffer.from(JSON.stringify({ streams: [{ stream: { job: 'a' }, values: [['1', 'x']] }] })),
      },
      {
        path: '/api/v1/events/fuzz',
        headers: { 'content-type': 'application/x-ndjson' },
        valid: Buffer.from('{"a":1}\n{"b":{"c":[1,2]}}\n'),
      },
    ]
  })
  after(() => app.dispose())

  const mutations = fc.oneof(
    fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 512 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('gzip-truncated' as const), at: fc.nat() }),
  )

  test('no 5xx, no crash, for 400 mutated requests over all endpoints', async () => {
    let sent = 0
    await fc.assert(
      fc.asyncProperty(fc.nat(), mutations, async (which, m) => {
        const t = targets[which % targets.length]!
        let body: Uint8Array
        const headers = { ...t.headers }
        if (m.kind === 'random') body = m.bytes
        else if (m.kind === 'truncate') body = t.valid.subarray(0, m.at % (t.valid.length + 1))
        else if (m.kind === 'flip') {
          body = Uint8Array.from(t.valid)
          const i = m.at % body.length
          body[i] = body[i]! ^ m.mask
        } else {
          const gz = gzipSync(
            t.path === '/api/v1/write' ? (snappy.uncompressSync(Buffer.from(t.valid)) as Buffer) : t.valid,
          )
          body = gz.subarray(0, m.at % (gz.length + 1))
          headers['content-encoding'] = 'gzip'
        }
        const res = await app.post(t.path, body, headers)
        await res.arrayBuffer()
        sent++
        assert.ok(res.status < 500, `${t.path} ${m.kind}: ${res.status}`)
      }),
      { numRuns: 400 },
    )
    assert.equal(sent, 400)
    const health = await fetch(`${app.apiUrl}/healthz`)
    assert.equal(health.status, 200)
    const s = (await (await fetch(`${app.apiUrl}/api/v1/ingest/status`)).json()) as IngestStatus
    for (const r of s.ledger) assert.equal(r.received, r.accepted + r.deadLettered + r.dropped)
    assert.ok(
      s.refusals.some((r) => r.reason === 'malformed'),
      'some requests were refused as malformed',
    )
  })
})
