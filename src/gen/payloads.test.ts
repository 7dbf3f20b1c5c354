import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeOtlpMetricsProto } from '../ingest/otlp/index.js'
import { decodeRemoteWrite } from '../ingest/prometheus/index.js'
import { DEFAULT_GEN_OPTIONS } from './gen-options.js'
import type { GenOptions } from './gen-options.js'
import { buildPayloads, createPayloadBuilders } from './payload-builders.js'
import { attribute, decodeLogs, decodeTraces } from './testing/otlp-schema.js'

const START = 1_700_000_000_000

function options(over: Partial<GenOptions> = {}): GenOptions {
  return { ...DEFAULT_GEN_OPTIONS, ...over }
}

test('remote_write: every series once per request, all at the request timestamp', () => {
  const b = createPayloadBuilders(options({ signals: ['metrics'] }), START).metrics!
  const first = b.build(1, START, 2000)
  assert.equal(first.path, '/api/v1/write')
  assert.equal(first.records, 1000, 'a request never repeats a series, so 1000 series cap it')
  const res = decodeRemoteWrite(first.body, 't1')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.rejected, 0)
  assert.equal(res.batch.length, 1000)
  assert.equal(res.batch.series.length, 1000)
  assert.ok(res.batch.ts.every((t) => t === START))
  const names = new Set(res.batch.series.map((l) => l[l.indexOf('__name__') + 1]))
  for (const name of [
    'process_cpu_usage',
    'http_requests_total',
    'http_request_duration_seconds_bucket',
    'queue_depth',
  ]) {
    assert.ok(names.has(name), name)
  }
  // smaller batches walk the ring without splitting a histogram
  const small = b.build(2, START + 1, 100)
  const r2 = decodeRemoteWrite(small.body, 't1')
  assert.ok(r2.ok)
  assert.ok(small.records <= 100 && small.records > 80, String(small.records))
  assert.equal(r2.batch.length, small.records)
})

test('counters never decrease and histograms stay cumulative across requests', () => {
  const b = createPayloadBuilders(options({ signals: ['metrics'], series: 200, services: 2 }), START).metrics!
  const values = new Map<string, number>()
  for (let k = 0; k < 5; k++) {
    const p = b.build(k + 1, START + k * 1000, 10_000)
    const res = decodeRemoteWrite(p.body, 't')
    assert.ok(res.ok)
    for (let i = 0; i < res.batch.length; i++) {
      const labels = res.batch.series[res.batch.seriesIdx[i]!]!
      const name = labels[labels.indexOf('__name__') + 1]!
      if (!/_total$|_bucket$|_count$/.test(name)) continue
      const key = labels.join(',')
      const v = res.batch.value[i]!
      assert.ok(v >= (values.get(key) ?? 0), `${key} went down`)
      values.set(key, v)
    }
  }
})

test('OTLP metrics decode into the same series count', () => {
  const b = createPayloadBuilders(options({ signals: ['metrics'], metricsProtocol: 'otlp' }), START).metrics!
  const p = b.build(1, START, 2000)
  assert.equal(p.path, '/v1/metrics')
  const res = decodeOtlpMetricsProto(p.body, 't')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.rejected, 0)
  assert.equal(res.batch.length, p.records)
  assert.ok(res.batch.ts.every((t) => t === START))
  const kinds = new Set(res.batch.seriesKinds)
  assert.equal(kinds.size, 3, 'gauges, counters and histograms')
})

test('logs: OTLP records with severities, bodies and gen.seq', () => {
  const b = createPayloadBuilders(options({ signals: ['logs'] }), START).logs!
  const p = b.build(42, START, 500)
  assert.equal(p.records, 500)
  const logs = decodeLogs(p.body)
  assert.equal(logs.resourceLogs.length, 5)
  const records = logs.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
  assert.equal(records.length, 500)
  for (const r of records) {
    assert.equal(attribute(r.attributes, 'gen.seq')?.intValue, 42)
    assert.ok((r.body?.stringValue ?? '').length > 10)
    assert.ok([5, 9, 13, 17].includes(r.severityNumber ?? 0))
    assert.ok(Math.abs(r.timeUnixNano / 1e6 - START) < 1)
  }
  const services = logs.resourceLogs.map((r) => attribute(r.resource.attributes, 'service.name')?.stringValue)
  assert.deepEqual(services, ['frontend', 'checkout', 'payments', 'db', 'inventory'])
})

test('traces: parent/child trees across services, whole traces per request', () => {
  const b = createPayloadBuilders(options({ signals: ['traces'] }), START).traces!
  const p = b.build(7, START, 500)
  const traces = decodeTraces(p.body)
  const spans = traces.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) =>
      s.spans.map((span) => ({
        span,
        service: attribute(r.resource.attributes, 'service.name')?.stringValue,
      })),
    ),
  )
  assert.equal(spans.length, p.records)
  assert.ok(p.records <= 500 && p.records > 400)
  const byId = new Map(spans.map((x) => [Buffer.from(x.span.spanId).toString('hex'), x]))
  let roots = 0
  for (const { span, service } of spans) {
    assert.equal(attribute(span.attributes, 'gen.seq')?.intValue, 7)
    assert.ok(span.endTimeUnixNano >= span.startTimeUnixNano)
    if (span.parentSpanId.length === 0) {
      roots++
      assert.equal(service, 'frontend')
      continue
    }
    const parent = byId.get(Buffer.from(span.parentSpanId).toString('hex'))
    assert.ok(parent, 'every parent is in the same request')
    assert.deepEqual(Buffer.from(parent.span.traceId), Buffer.from(span.traceId))
    assert.ok(span.startTimeUnixNano >= parent.span.startTimeUnixNano)
    assert.ok(span.endTimeUnixNano <= parent.span.endTimeUnixNano + 1000)
    if (span.status?.code === 2 && span.kind === 2)
      assert.equal(parent.span.status?.code, 2, 'errors travel up')
  }
  assert.ok(roots > 30)
  const services = new Set(spans.map((x) => x.service))
  assert.deepEqual([...services].sort(), ['checkout', 'db', 'frontend', 'inventory', 'payments'])
})

test('buildPayloads is deterministic and gives every request its own identity', () => {
  const o = options({ signals: ['metrics', 'logs'], series: 100 })
  const a = buildPayloads(o, 3, START, 1000)
  const b = buildPayloads(o, 3, START, 1000)
  assert.equal(a.length, 6)
  assert.deepEqual(
    a.map((p) => p.seq),
    [1, 2, 3, 4, 5, 6],
  )
  assert.ok(a.every((p, i) => p.body.equals(b[i]!.body)))
  assert.deepEqual(
    a.filter((p) => p.signal === 'metrics').map((p) => p.tsMs),
    [START, START + 1000, START + 2000],
  )
})
