import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MetricBatch } from '../../core/batch/index.js'
import { decodeOtlpMetricsProto } from './decode-metrics.js'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { OtlpMetricsDecoder } from './otlp-metrics-decoder.js'
import { assertConsistent, rows } from './testing/batch-rows.js'
import * as pw from '../protobuf/testing/proto-writer.js'
import { recordSdkMetrics } from './testing/sdk-payloads.js'

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  assertConsistent(res.batch)
  return res
}

function plain(b: MetricBatch): unknown {
  return {
    series: b.series,
    kinds: [...b.seriesKinds],
    idx: [...b.seriesIdx],
    ts: [...b.ts],
    value: [...b.value],
  }
}

const T0_NS = 1_700_000_000_000n * pw.NS_PER_MS

/** A histogram metric `h` with one point whose attributes are `k=v`. */
function histogram(bounds: number[], counts: number[], sum?: number): Uint8Array {
  const point = pw.msg(
    pw.len(9, pw.kv('k', pw.anyString('v'))),
    pw.fixed64(3, T0_NS),
    pw.fixed64(
      4,
      counts.reduce((a, b) => a + b, 0),
    ),
    ...(sum === undefined ? [] : [pw.double(5, sum)]),
    pw.packedFixed64(6, counts),
    pw.packedDoubles(7, bounds),
  )
  return pw.request(
    [pw.kv('service.name', pw.anyString('api'))],
    [pw.msg(pw.str(1, 'h'), pw.len(9, pw.len(1, point)))],
  )
}

test('a decoder that caches series across requests gives the batches a fresh decode gives', async () => {
  const { proto } = await recordSdkMetrics()
  const decoder = new OtlpMetricsDecoder()
  const expected = plain(ok(decodeOtlpMetricsProto(proto, 't')).batch)
  for (let i = 0; i < 3; i++) assert.deepEqual(plain(ok(decoder.decodeProto(proto, 't')).batch), expected)
  assert.ok(decoder.cachedSeries > 0)
  const tiny = new OtlpMetricsDecoder({ maxCachedSeries: 2 })
  for (let i = 0; i < 3; i++) assert.deepEqual(plain(ok(tiny.decodeProto(proto, 't')).batch), expected)
  const none = new OtlpMetricsDecoder({ maxCachedSeries: 0 })
  assert.deepEqual(plain(ok(none.decodeProto(proto, 't')).batch), expected)
})

test('cached series follow a histogram whose bounds or sum change between requests', () => {
  const decoder = new OtlpMetricsDecoder()
  const a = rows(ok(decoder.decodeProto(histogram([1, 2], [1, 1, 1], 3), 't')).batch)
  assert.deepEqual(
    a.map((r) => [r.labels.__name__, r.labels.le, r.value]),
    [
      ['h_bucket', '1', 1],
      ['h_bucket', '2', 2],
      ['h_bucket', '+Inf', 3],
      ['h_sum', undefined, 3],
      ['h_count', undefined, 3],
    ],
  )
  const b = rows(ok(decoder.decodeProto(histogram([5], [2, 2]), 't')).batch)
  assert.deepEqual(
    b.map((r) => [r.labels.__name__, r.labels.le, r.value]),
    [
      ['h_bucket', '5', 2],
      ['h_bucket', '+Inf', 4],
      ['h_count', undefined, 4],
    ],
  )
})

test('a cached reject is counted again in every request', () => {
  const decoder = new OtlpMetricsDecoder({ limits: { maxLabelsPerSeries: 2 } })
  for (let i = 0; i < 2; i++) {
    const res = ok(decoder.decodeProto(histogram([1], [1, 1]), 't'))
    assert.deepEqual([res.accepted, res.rejected, res.rejectReasons.too_many_labels], [0, 1, 1])
  }
  assert.ok(ok(decoder.decodeJson('{"resourceMetrics":[]}', 't')).batch.length === 0)
})

test('kept and rejected points do not alias the request, even a Buffer the receiver reuses', async () => {
  const { proto } = await recordSdkMetrics()
  const buf = Buffer.from(proto)
  const res = ok(new OtlpMetricsDecoder({ limits: { maxLabelsPerSeries: 6 } }).decodeProto(buf, 't'))
  assert.ok(res.rejected > 0 && res.batch.keptPoints.length === 1)
  const kept = [...res.batch.keptPoints[0]!.payload]
  const rejected = [...res.rejects[0]!.payload]
  buf.fill(0)
  assert.deepEqual([...res.batch.keptPoints[0]!.payload], kept)
  assert.deepEqual([...res.rejects[0]!.payload], rejected)
})
