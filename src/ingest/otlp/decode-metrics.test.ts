import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProtoReader } from '../protobuf/proto-reader.js'
import { decodeOtlpMetricsProto } from './decode-metrics.js'
import { describeRejects } from './decode-result.js'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { isStaleNaN } from './stale-nan.js'
import { assertConsistent, row, rows } from './testing/batch-rows.js'
import * as pw from '../protobuf/testing/proto-writer.js'
import { recordSdkMetrics } from './testing/sdk-payloads.js'

const { msg, len, str, varint, fixed64, double, kv, request, NS_PER_MS } = pw

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  assertConsistent(res.batch)
  return res
}

const T0_NS = 1_700_000_000_000n * NS_PER_MS
const T0_MS = 1_700_000_000_000
const SERVICE = [pw.kv('service.name', pw.anyString('api'))]

/** A Metric with a gauge of NumberDataPoints. */
function gauge(name: string, ...points: Uint8Array[]): Uint8Array {
  return msg(str(1, name), len(5, msg(...points.map((p) => len(1, p)))))
}
/** A NumberDataPoint: time, double value, attributes. */
function numberPoint(value: number, attrs: Uint8Array[] = [], time = T0_NS): Uint8Array {
  return msg(...attrs.map((a) => len(7, a)), fixed64(3, time), double(4, value))
}

test('every point type recorded by the OpenTelemetry JS SDK decodes to Prometheus-style samples', async () => {
  const { proto, resourceMetrics } = await recordSdkMetrics()
  const res = ok(decodeOtlpMetricsProto(proto, 'acme'))
  assert.equal(res.batch.tenant, 'acme')
  assert.equal(res.accepted, 6)
  assert.equal(res.rejected, 0)
  const all = rows(res.batch)
  const service = { job: 'shop/checkout', instance: 'pod-1', service: 'checkout' }
  for (const r of all)
    assert.deepEqual({ job: r.labels.job, instance: r.labels.instance, service: r.labels.service }, service)
  for (const r of all) assert.equal(r.labels.host_name, undefined, 'other resource attributes are not labels')

  const get = row(all, { __name__: 'http_server_requests_total', http_method: 'GET' })
  assert.deepEqual(get.labels, {
    __name__: 'http_server_requests_total',
    http_method: 'GET',
    http_status_code: '200',
    ...service,
  })
  assert.equal(get.kind, 'counter')
  assert.equal(get.value, 5)
  const post = row(all, { __name__: 'http_server_requests_total', http_method: 'POST' })
  assert.equal(post.labels.is_retry, 'true')
  assert.equal(post.value, 1)

  const depth = row(all, { __name__: 'queue_depth' })
  assert.deepEqual([depth.kind, depth.value, depth.labels.queue], ['gauge', 6, 'orders'])
  const cpu = row(all, { __name__: 'process_cpu_utilization' })
  assert.deepEqual([cpu.kind, cpu.value, cpu.labels.cpu, cpu.labels.ratio], ['gauge', 0.25, 'total', '1.5'])

  const buckets = all.filter((r) => r.labels.__name__ === 'http_server_duration_bucket')
  assert.deepEqual(
    buckets.map((r) => [r.labels.le, r.value]),
    [
      ['10', 1],
      ['50', 3],
      ['100', 4],
      ['500', 5],
      ['+Inf', 6],
    ],
  )
  for (const b of buckets) assert.deepEqual([b.kind, b.labels.route], ['histogram', '/cart'])
  assert.equal(row(all, { __name__: 'http_server_duration_sum' }).value, 1315)
  assert.equal(row(all, { __name__: 'http_server_duration_count' }).value, 6)
  assert.equal(all.length, 4 + 7)

  // Timestamps: the SDK's end time (HrTime [s, ns]) in epoch ms.
  const sdkPoint = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'queue.depth')!
  const [s, ns] = sdkPoint.dataPoints[0]!.endTime
  assert.equal(depth.ts, s * 1000 + ns / 1e6)

  assert.equal(res.batch.keptPoints.length, 1)
  const kept = res.batch.keptPoints[0]!
  assert.equal(kept.kind, 'exponential_histogram')
  assert.deepEqual(res.batch.series[kept.series], [
    '__name__',
    'rpc_latency',
    'instance',
    'pod-1',
    'job',
    'shop/checkout',
    'method',
    'Get',
    'service',
    'checkout',
  ])
  assert.equal(kept.timestampMs, depth.ts)
  // The payload is the ExponentialHistogramDataPoint as sent: count (field 4) = 4 records.
  const r = new ProtoReader(kept.payload)
  let count = -1
  while (r.more) {
    const tag = r.tag()
    if (tag === ((4 << 3) | 1)) count = r.fixed64()
    else r.skip(tag)
  }
  assert.equal(r.error, undefined)
  assert.equal(count, 4)
})

test('int and double values, sub-millisecond timestamps, and the no-recorded-value flag', () => {
  const bytes = request(SERVICE, [
    gauge('g', msg(len(7, kv('k', pw.anyString('int'))), fixed64(3, T0_NS + 123_456n), pw.fixed64(6, -42n))),
    gauge('g', numberPoint(2.5, [kv('k', pw.anyString('double'))])),
    gauge('g', msg(len(7, kv('k', pw.anyString('stale'))), fixed64(3, T0_NS), varint(8, 1))),
  ])
  const all = rows(ok(decodeOtlpMetricsProto(bytes, 't')).batch)
  const int = row(all, { k: 'int' })
  assert.equal(int.value, -42)
  assert.ok(Math.abs(int.ts - (T0_MS + 0.123456)) < 1e-3, `sub-ms kept: ${int.ts}`)
  assert.equal(row(all, { k: 'double' }).value, 2.5)
  const stale = row(all, { k: 'stale' }).value
  assert.ok(isStaleNaN(stale), 'a point without a recorded value becomes the Prometheus stale marker')
  assert.ok(!isStaleNaN(NaN))
})

test('a summary becomes quantile, _sum and _count samples', () => {
  const quantile = (q: number, v: number): Uint8Array => len(6, msg(double(1, q), double(2, v)))
  const point = msg(
    len(7, kv('path', pw.anyString('/x'))),
    fixed64(3, T0_NS),
    fixed64(4, 10),
    double(5, 12.5),
    quantile(0.5, 1.1),
    quantile(0.99, 3.2),
  )
  const summary = msg(str(1, 'rpc.duration'), len(11, msg(len(1, point))))
  const res = ok(decodeOtlpMetricsProto(request(SERVICE, [summary]), 't'))
  const all = rows(res.batch)
  assert.deepEqual(
    all.map((r) => [r.labels.__name__, r.labels.quantile, r.value, r.kind, r.labels.path]),
    [
      ['rpc_duration', '0.5', 1.1, 'summary', '/x'],
      ['rpc_duration', '0.99', 3.2, 'summary', '/x'],
      ['rpc_duration_sum', undefined, 12.5, 'summary', '/x'],
      ['rpc_duration_count', undefined, 10, 'summary', '/x'],
    ],
  )
  assert.ok(all.every((r) => r.ts === T0_MS))
})

test('attribute values of every AnyValue type become text', () => {
  const attrs = [
    kv('b', pw.anyBool(false)),
    kv('i', pw.anyInt(-7)),
    kv('big', pw.anyInt(2n ** 60n + 1n)),
    kv('d', pw.anyDouble(0.1)),
    kv('inf', pw.anyDouble(Infinity)),
    kv('bytes', pw.anyBytes(Uint8Array.from([1, 2, 255]))),
    kv('arr', pw.anyArray(pw.anyString('a'), pw.anyInt(1), pw.anyBool(true), pw.anyDouble(NaN))),
    kv('kvl', pw.anyKvList(kv('x', pw.anyString('y')), kv('n', pw.anyArray()))),
  ]
  const labels = rows(
    ok(decodeOtlpMetricsProto(request(SERVICE, [gauge('g', numberPoint(1, attrs))]), 't')).batch,
  )[0]!.labels
  assert.deepEqual(
    [labels.b, labels.i, labels.big, labels.d, labels.inf, labels.bytes, labels.arr, labels.kvl],
    ['false', '-7', '1152921504606846977', '0.1', '+Inf', 'AQL/', '["a",1,true,"NaN"]', '{"x":"y","n":[]}'],
  )
})

test('names and label names are sanitised; collisions merge; resource labels win', () => {
  const attrs = [
    kv('http.method', pw.anyString('GET')),
    kv('http_method', pw.anyString('POST')),
    kv('2xx', pw.anyString('yes')),
    kv('job', pw.anyString('from-attribute')),
    kv('empty', pw.anyString('')),
  ]
  const counter = msg(
    str(1, 'requests_total'),
    len(7, msg(len(1, numberPoint(1, attrs)), varint(2, 2), varint(3, 1))),
  )
  const delta = msg(str(1, '2xx.rate'), len(7, msg(len(1, numberPoint(1)), varint(2, 1), varint(3, 1))))
  const resource = [
    kv('service.name', pw.anyString('api')),
    kv('service.namespace', pw.anyString('')),
    kv('service.instance.id', pw.anyString('i-1')),
  ]
  const all = rows(ok(decodeOtlpMetricsProto(request(resource, [counter, delta]), 't')).batch)
  assert.deepEqual(all[0]!.labels, {
    __name__: 'requests_total',
    http_method: 'GET;POST',
    key_2xx: 'yes',
    job: 'api',
    service: 'api',
    instance: 'i-1',
  })
  assert.equal(all[0]!.kind, 'counter')
  assert.deepEqual(
    [all[1]!.labels.__name__, all[1]!.kind],
    ['_2xx_rate', 'gauge'],
    'a delta sum is not a counter',
  )
})

test('the resource labels apply even when the resource follows its metrics on the wire', () => {
  const resource = msg(len(1, kv('service.name', pw.anyString('late'))))
  const scope = msg(len(2, gauge('g', numberPoint(1))))
  const bytes = msg(len(1, msg(len(2, scope), len(1, resource))))
  assert.equal(rows(ok(decodeOtlpMetricsProto(bytes, 't')).batch)[0]!.labels.service, 'late')
  // Old senders put scopes in the since-reserved field 1000; they decode the same.
  const old = msg(len(1, msg(len(1, resource), len(1000, scope))))
  assert.equal(rows(ok(decodeOtlpMetricsProto(old, 't')).batch)[0]!.labels.service, 'late')
})

test('points that break a rule are rejected and counted, the rest accepted', () => {
  const many = Array.from({ length: 5 }, (_, i) => kv(`a${i}`, pw.anyString('v')))
  const badHistogram = msg(
    fixed64(3, T0_NS),
    fixed64(4, 3),
    pw.packedFixed64(6, [1, 2]),
    pw.packedDoubles(7, [5, 1]), // bounds must increase
  )
  const okHistogram = msg(
    fixed64(3, T0_NS),
    fixed64(4, 3),
    pw.packedFixed64(6, [1, 2]),
    pw.packedDoubles(7, [1]),
  )
  const bytes = request(SERVICE, [
    gauge('', numberPoint(1), numberPoint(2)),
    gauge('g', numberPoint(1, many), numberPoint(2, [kv('k'.repeat(20), pw.anyString('v'))])),
    gauge('g', numberPoint(3, [kv('k', pw.anyString('v'.repeat(30)))]), numberPoint(4, [], 0n)),
    gauge('g', msg(fixed64(3, T0_NS))),
    gauge('g', numberPoint(5, [kv('ok', pw.anyString('1'))])),
    msg(str(1, 'h'), len(9, msg(len(1, badHistogram), len(1, okHistogram)))),
  ])
  const res = ok(
    decodeOtlpMetricsProto(bytes, 't', {
      maxLabelsPerSeries: 5,
      maxLabelNameLength: 10,
      maxLabelValueLength: 20,
    }),
  )
  assert.equal(res.accepted, 2)
  assert.equal(res.rejected, 8)
  assert.deepEqual(res.rejectReasons, {
    missing_metric_name: 2,
    missing_timestamp: 1,
    missing_value: 1,
    too_many_labels: 1,
    label_name_too_long: 1,
    label_value_too_long: 1,
    invalid_histogram: 1,
  })
  assert.equal(describeRejects(res).startsWith('8 data points rejected: missing_metric_name 2,'), true)
  assert.deepEqual([...res.rejects[0]!.payload], [...numberPoint(1)], 'a reject carries the point as sent')
  assert.deepEqual(
    rows(res.batch).map((r) => r.labels.__name__),
    ['g', 'h_bucket', 'h_bucket', 'h_sum', 'h_count'].filter((n) => n !== 'h_sum'),
  )
})

test('an unreadable request is a failure that names the message and the byte', () => {
  const bytes = request(SERVICE, [gauge('g', numberPoint(1))])
  const cut = decodeOtlpMetricsProto(bytes.subarray(0, bytes.length - 3), 't')
  assert.equal(cut.ok, false)
  assert.match(
    !cut.ok ? cut.reason : '',
    /^malformed ResourceMetrics: length \d+ runs past the end of the message at byte \d+$/,
  )
  const badPoint = request(SERVICE, [msg(str(1, 'g'), len(5, msg(len(1, Uint8Array.from([0x19, 1, 2])))))])
  const res = decodeOtlpMetricsProto(badPoint, 't')
  assert.match(!res.ok ? res.reason : '', /^malformed NumberDataPoint: truncated: 8 bytes needed/)
  const empty = ok(decodeOtlpMetricsProto(new Uint8Array(0), 't'))
  assert.equal(empty.batch.length, 0)
})
