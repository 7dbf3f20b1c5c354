import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MetricBatch } from '../../core/batch/index.js'
import { decodeOtlpMetricsProto } from './decode-metrics.js'
import { decodeOtlpMetricsJson } from './decode-metrics-json.js'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { readExponentialHistogramPoint } from './exponential-histogram.js'
import { isStaleNaN } from './stale-nan.js'
import { assertConsistent, row, rows } from './testing/batch-rows.js'
import * as pw from '../protobuf/testing/proto-writer.js'
import { recordSdkMetrics } from './testing/sdk-payloads.js'

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  assertConsistent(res.batch)
  return res
}

/** Two batches are the same: series, kinds, samples, and kept points (compared decoded). */
function assertSameBatch(a: MetricBatch, b: MetricBatch): void {
  assert.deepEqual(a.series, b.series)
  assert.deepEqual([...a.seriesKinds], [...b.seriesKinds])
  assert.deepEqual([...a.seriesIdx], [...b.seriesIdx])
  assert.deepEqual([...a.ts], [...b.ts])
  assert.deepEqual([...a.value], [...b.value])
  assert.equal(a.keptPoints.length, b.keptPoints.length)
  a.keptPoints.forEach((p, i) => {
    const q = b.keptPoints[i]!
    assert.deepEqual([p.kind, p.series, p.timestampMs], [q.kind, q.series, q.timestampMs])
    const pp = readExponentialHistogramPoint(p.payload)
    assert.ok(pp !== undefined)
    assert.deepEqual(pp, readExponentialHistogramPoint(q.payload))
  })
}

const T0_NS = '1700000000000123456'
const T0_MS = 1_700_000_000_000 + 0.123456
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }
const request = (metrics: unknown[]): string =>
  JSON.stringify({ resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 's' }, metrics }] }] })
const gauge = (name: string, ...dataPoints: unknown[]): unknown => ({ name, gauge: { dataPoints } })

test('the SDK JSON payload decodes to the same batch as its protobuf payload', async () => {
  const { proto, json } = await recordSdkMetrics()
  const fromProto = ok(decodeOtlpMetricsProto(proto, 'acme'))
  const fromJson = ok(decodeOtlpMetricsJson(json, 'acme'))
  assert.equal(fromJson.accepted, 6)
  assertSameBatch(fromJson.batch, fromProto.batch)
  const exp = readExponentialHistogramPoint(fromJson.batch.keptPoints[0]!.payload)!
  assert.deepEqual([exp.count, exp.sum, exp.scale, exp.min, exp.max], [4, 15, 5, 1, 8])
  assert.equal(
    exp.positive.bucketCounts.reduce((s, n) => s + n, 0),
    4,
  )
  // A string body decodes the same.
  assertSameBatch(ok(decodeOtlpMetricsJson(new TextDecoder().decode(json), 'acme')).batch, fromProto.batch)
})

test('hand-made JSON and protobuf with every AnyValue type, a summary and flags decode alike', () => {
  const json = request([
    gauge('g', {
      attributes: [
        { key: 'b', value: { boolValue: true } },
        { key: 'big', value: { intValue: '-1152921504606846977' } },
        { key: 'd', value: { doubleValue: 'Infinity' } },
        { key: 'bytes', value: { bytesValue: 'AQL/' } },
        { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, {}] } } },
        { key: 'kvl', value: { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 0.5 } }] } } },
      ],
      timeUnixNano: T0_NS,
      asInt: '-42',
    }),
    gauge('g', { timeUnixNano: T0_NS, flags: 1 }),
    {
      name: 'rpc.duration',
      summary: {
        dataPoints: [
          {
            timeUnixNano: T0_NS,
            count: '10',
            sum: 12.5,
            quantileValues: [{ quantile: 0.5, value: 1.1 }, { value: 0.2 }],
          },
        ],
      },
    },
  ])
  const kv = pw.kv
  const proto = pw.request(
    [kv('service.name', pw.anyString('api'))],
    [
      pw.msg(
        pw.str(1, 'g'),
        pw.len(
          5,
          pw.msg(
            pw.len(
              1,
              pw.msg(
                pw.len(7, kv('b', pw.anyBool(true))),
                pw.len(7, kv('big', pw.anyInt(-1152921504606846977n))),
                pw.len(7, kv('d', pw.anyDouble(Infinity))),
                pw.len(7, kv('bytes', pw.anyBytes(Uint8Array.from([1, 2, 255])))),
                pw.len(7, kv('arr', pw.anyArray(pw.anyString('a'), pw.anyInt(1), new Uint8Array(0)))),
                pw.len(7, kv('kvl', pw.anyKvList(kv('x', pw.anyDouble(0.5))))),
                pw.fixed64(3, BigInt(T0_NS)),
                pw.fixed64(6, -42n),
              ),
            ),
            pw.len(1, pw.msg(pw.fixed64(3, BigInt(T0_NS)), pw.varint(8, 1))),
          ),
        ),
      ),
      pw.msg(
        pw.str(1, 'rpc.duration'),
        pw.len(
          11,
          pw.msg(
            pw.len(
              1,
              pw.msg(
                pw.fixed64(3, BigInt(T0_NS)),
                pw.fixed64(4, 10),
                pw.double(5, 12.5),
                pw.len(6, pw.msg(pw.double(1, 0.5), pw.double(2, 1.1))),
                pw.len(6, pw.msg(pw.double(2, 0.2))),
              ),
            ),
          ),
        ),
      ),
    ],
  )
  const fromJson = ok(decodeOtlpMetricsJson(json, 't'))
  assertSameBatch(fromJson.batch, ok(decodeOtlpMetricsProto(proto, 't')).batch)
  const all = rows(fromJson.batch)
  const g = row(all, { b: 'true' })
  assert.deepEqual(g.labels, {
    __name__: 'g',
    b: 'true',
    big: '-1152921504606846977',
    d: '+Inf',
    bytes: 'AQL/',
    arr: '["a",1,null]',
    kvl: '{"x":0.5}',
    job: 'api',
    service: 'api',
  })
  assert.equal(g.value, -42)
  assert.ok(Math.abs(g.ts - T0_MS) < 1e-3)
  assert.ok(isStaleNaN(all[1]!.value))
  assert.deepEqual(
    all.slice(2).map((r) => [r.labels.__name__, r.labels.quantile, r.value]),
    [
      ['rpc_duration', '0.5', 1.1],
      ['rpc_duration', '0', 0.2],
      ['rpc_duration_sum', undefined, 12.5],
      ['rpc_duration_count', undefined, 10],
    ],
  )
})

test('JSON points that break a rule are rejected and counted like protobuf ones', () => {
  const json = request([
    gauge('', { timeUnixNano: T0_NS, asDouble: 1 }),
    gauge('g', { asDouble: 1 }, { timeUnixNano: T0_NS }, { timeUnixNano: T0_NS, asDouble: 2 }),
    gauge('g', {
      timeUnixNano: T0_NS,
      asDouble: 3,
      attributes: [{ key: 'k', value: { stringValue: 'x'.repeat(50) } }],
    }),
    {
      name: 'h',
      histogram: { dataPoints: [{ timeUnixNano: T0_NS, count: 1, bucketCounts: [1], explicitBounds: [1] }] },
    },
  ])
  const res = ok(decodeOtlpMetricsJson(json, 't', { maxLabelValueLength: 20 }))
  assert.equal(res.accepted, 1)
  assert.equal(res.rejected, 5)
  assert.deepEqual(
    Object.entries(res.rejectReasons).filter(([, n]) => n > 0),
    [
      ['missing_metric_name', 1],
      ['missing_timestamp', 1],
      ['missing_value', 1],
      ['label_value_too_long', 1],
      ['invalid_histogram', 1],
    ],
  )
  assert.deepEqual(JSON.parse(new TextDecoder().decode(res.rejects[1]!.payload)), { asDouble: 1 })
})

test('malformed JSON, or a field of the wrong type, fails with a reason naming the field', () => {
  const bad = (body: string): string => {
    const res = decodeOtlpMetricsJson(body, 't')
    assert.equal(res.ok, false)
    return res.ok ? '' : res.reason
  }
  assert.match(bad('{"resourceMetrics": ['), /^invalid JSON: /)
  assert.equal(bad('[]'), 'request: expected an object')
  assert.equal(
    bad(request([gauge('g', { timeUnixNano: T0_NS, asInt: 'x' })])),
    'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt: expected an integer',
  )
  assert.equal(
    bad(request([gauge('g', { timeUnixNano: -1, asInt: 1 })])),
    'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano: expected a non-negative integer',
  )
  assert.equal(ok(decodeOtlpMetricsJson('{}', 't')).batch.length, 0)
})
