import assert from 'node:assert/strict'
import { test } from 'node:test'
import protobuf from 'protobufjs'
import snappy from 'snappy'
import { SERIES_KIND_CODE } from '../../core/batch/index.js'
import { Buffer } from 'node:buffer'
import { RemoteWriteDecoder, decodeRemoteWrite } from './decode-remote-write.js'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import {
  METRIC_TYPE,
  WRITE_REQUEST_PROTO,
  encodeWriteRequest,
  remoteWriteBody,
} from './testing/write-request-proto.js'
import type { PbLabel, PbTimeSeries, PbWriteRequest } from './testing/write-request-proto.js'
import { decodeWriteRequest } from './write-request-decoder.js'

/** Prometheus' staleness marker: a signalling NaN with this exact bit pattern. */
const STALE_NAN_BITS = 0x7ff0000000000002n

function staleNaN(): number {
  const buf = new DataView(new ArrayBuffer(8))
  buf.setBigUint64(0, STALE_NAN_BITS, true)
  return buf.getFloat64(0, true)
}

function bitsOf(values: Float64Array, i: number): bigint {
  return new BigUint64Array(values.buffer, values.byteOffset, values.length)[i]!
}

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  return res
}

const timeSeriesType = protobuf.parse(WRITE_REQUEST_PROTO).root.lookupType('prometheus.TimeSeries')

function encodeTimeSeries(ts: PbTimeSeries): Uint8Array {
  return timeSeriesType.encode(timeSeriesType.fromObject(ts)).finish()
}

/** A TimeSeries message decoded by protobufjs, as a plain object. */
function toObject(bytes: Uint8Array): { histograms: unknown[] } {
  const o = timeSeriesType.toObject(timeSeriesType.decode(bytes), { arrays: true, longs: Number })
  return o as { histograms: unknown[] }
}

function labels(...pairs: string[]): PbLabel[] {
  const out: PbLabel[] = []
  for (let i = 0; i < pairs.length; i += 2) out.push({ name: pairs[i]!, value: pairs[i + 1]! })
  return out
}

test('decodes every series, label, sample, timestamp and special value built by protobufjs', () => {
  const body = remoteWriteBody({
    timeseries: [
      {
        labels: labels('__name__', 'http_requests_total', 'job', 'api', 'method', 'GET'),
        samples: [
          { value: 1, timestamp: 1_700_000_000_000 },
          { value: 2.5, timestamp: 1_700_000_015_000 },
          { value: -0.125, timestamp: 0 },
        ],
      },
      {
        labels: labels('__name__', 'temp', 'room', 'kitchen ünïcode ✓'),
        samples: [
          { value: Number.NaN, timestamp: -1_000 },
          { value: Number.POSITIVE_INFINITY, timestamp: 2 ** 53 - 1 },
          { value: Number.NEGATIVE_INFINITY, timestamp: -(2 ** 53 - 1) },
          { value: staleNaN(), timestamp: 1_700_000_030_000 },
          { value: Number.MAX_VALUE, timestamp: 1 },
          { value: 5e-324, timestamp: 2 },
        ],
      },
    ],
  })
  const res = ok(decodeRemoteWrite(body, 'acme'))
  const b = res.batch
  assert.equal(b.tenant, 'acme')
  assert.equal(res.rejected, 0)
  assert.equal(res.received, 9)
  assert.deepEqual(b.series, [
    ['__name__', 'http_requests_total', 'job', 'api', 'method', 'GET'],
    ['__name__', 'temp', 'room', 'kitchen ünïcode ✓'],
  ])
  assert.deepEqual(Array.from(b.seriesIdx), [0, 0, 0, 1, 1, 1, 1, 1, 1])
  assert.deepEqual(Array.from(b.ts), [
    1_700_000_000_000,
    1_700_000_015_000,
    0,
    -1_000,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    1_700_000_030_000,
    1,
    2,
  ])
  const v = Array.from(b.value)
  assert.deepEqual(v.slice(0, 3), [1, 2.5, -0.125])
  assert.ok(Number.isNaN(v[3]))
  assert.equal(v[4], Number.POSITIVE_INFINITY)
  assert.equal(v[5], Number.NEGATIVE_INFINITY)
  assert.equal(bitsOf(b.value, 6), STALE_NAN_BITS, 'staleness marker bits preserved exactly')
  assert.notEqual(bitsOf(b.value, 3), STALE_NAN_BITS, 'an ordinary NaN is not a staleness marker')
  assert.equal(v[7], Number.MAX_VALUE)
  assert.equal(v[8], 5e-324)
})

test('unsorted labels are sorted, the same series twice is interned once, empty values are dropped', () => {
  const res = ok(
    decodeRemoteWrite(
      remoteWriteBody({
        timeseries: [
          {
            labels: labels('zone', 'a', 'job', 'x', '__name__', 'up'),
            samples: [{ value: 1, timestamp: 10 }],
          },
          {
            labels: labels('__name__', 'up', 'job', 'x', 'zone', 'a'),
            samples: [{ value: 0, timestamp: 20 }],
          },
          {
            labels: labels('__name__', 'up', 'empty', '', 'job', 'y'),
            samples: [{ value: 1, timestamp: 30 }],
          },
          { labels: labels('B', '1', 'a', '2', '__name__', 'm'), samples: [{ value: 1, timestamp: 30 }] },
        ],
      }),
      't',
    ),
  )
  assert.deepEqual(res.batch.series, [
    ['__name__', 'up', 'job', 'x', 'zone', 'a'],
    ['__name__', 'up', 'job', 'y'],
    ['B', '1', '__name__', 'm', 'a', '2'],
  ])
  assert.deepEqual(Array.from(res.batch.seriesIdx), [0, 0, 1, 2])
})

test('invalid series are rejected with counted reasons while valid ones pass', () => {
  const good = (name: string) => ({ labels: labels('__name__', name), samples: [{ value: 1, timestamp: 1 }] })
  const two = [
    { value: 1, timestamp: 1 },
    { value: 2, timestamp: 2 },
  ]
  const many = Array.from({ length: 64 }, (_, i) => [`l${i}`, 'v']).flat()
  const req: PbWriteRequest = {
    timeseries: [
      good('a'),
      { labels: labels('__name__', 'x', 'job', '1', 'job', '2'), samples: two },
      { labels: labels('job', '1', '__name__', 'x', 'job', '2'), samples: two },
      { labels: labels('job', 'no-name'), samples: two },
      { labels: labels('__name__', '', 'job', 'empty-name'), samples: two },
      { labels: labels('__name__', 'x', '1abc', 'v'), samples: two },
      { labels: labels('__name__', 'x', 'a-b', 'v'), samples: two },
      { labels: labels('__name__', 'x', '', 'v'), samples: two },
      { labels: labels('__name__', 'x', ...many), samples: two },
      { labels: labels('__name__', 'x', 'n'.repeat(257), 'v'), samples: two },
      { labels: labels('__name__', 'x', 'long', 'v'.repeat(4097)), samples: two },
      good('b'),
      { labels: labels('__name__', 'x', 'ok', 'v'.repeat(4096), 'n'.repeat(256), 'v'), samples: two },
    ],
  }
  const res = ok(decodeRemoteWrite(remoteWriteBody(req), 't'))
  assert.deepEqual(
    res.batch.series.map((s) => s[1]),
    ['a', 'b', 'x'],
  )
  assert.equal(res.batch.length, 4)
  assert.equal(res.rejected, 20)
  assert.equal(res.received, res.batch.length + res.rejected)
  assert.deepEqual(res.rejectReasons, {
    too_many_labels: 2,
    label_name_too_long: 2,
    label_value_too_long: 2,
    invalid_label_name: 6,
    duplicate_label_name: 4,
    missing_metric_name: 4,
    invalid_utf8: 0,
    unsupported_native_histogram: 0,
  })
  assert.equal(res.rejectDetails.length, 8)
  assert.match(res.rejectDetails[0]!, /label "job" appears twice/)
  assert.match(res.rejectDetails.join('\n'), /label name "1abc" is invalid/)
  // One reject per rejected series, carrying the TimeSeries exactly as it was sent.
  const rejected = req.timeseries.filter((_, i) => i !== 0 && i !== 11 && i !== 12)
  assert.equal(res.rejects.length, rejected.length)
  assert.equal(
    res.rejects.reduce((n, r) => n + r.records, 0),
    res.rejected,
  )
  res.rejects.forEach((r, i) => {
    assert.equal(r.records, 2)
    assert.deepEqual(toObject(r.payload), toObject(encodeTimeSeries(rejected[i]!)))
  })
  assert.deepEqual(res.rejects.map((r) => r.reason).slice(0, 4), [
    'duplicate_label_name',
    'duplicate_label_name',
    'missing_metric_name',
    'missing_metric_name',
  ])
  assert.equal(res.rejects[0]!.series, '{__name__="x", job="1", job="2"}')
  // Limits are configurable.
  const strict = ok(
    decodeRemoteWrite(remoteWriteBody({ timeseries: [good('a')] }), 't', { maxLabelsPerSeries: 0 }),
  )
  assert.equal(strict.rejectReasons.too_many_labels, 1)
})

test('label values that are not UTF-8 are rejected', () => {
  const bytes = encodeWriteRequest({
    timeseries: [{ labels: labels('__name__', 'm', 'k', 'AB'), samples: [{ value: 1, timestamp: 1 }] }],
  })
  const at = bytes.lastIndexOf(0x41)
  bytes[at] = 0xff
  const res = ok(decodeRemoteWrite(snappy.compressSync(bytes), 't'))
  assert.equal(res.rejectReasons.invalid_utf8, 1)
  assert.equal(res.batch.length, 0)
})

test('metadata sets series kinds, including suffixed sample names of a family', () => {
  const s = (name: string, extra: string[] = []) => ({
    labels: labels('__name__', name, ...extra),
    samples: [{ value: 1, timestamp: 1 }],
  })
  const res = ok(
    decodeRemoteWrite(
      remoteWriteBody({
        timeseries: [
          s('http_requests_total'),
          s('jobs_total'),
          s('temp'),
          s('rpc_seconds_bucket', ['le', '0.5']),
          s('rpc_seconds_sum'),
          s('rpc_seconds_count'),
          s('gc_seconds', ['quantile', '0.9']),
          s('gc_seconds_count'),
          s('build_info'),
          s('mystery'),
          s('temp_total'),
        ],
        metadata: [
          { type: METRIC_TYPE.COUNTER, metricFamilyName: 'http_requests_total', help: 'h' },
          { type: METRIC_TYPE.COUNTER, metricFamilyName: 'jobs', unit: 'jobs' },
          { type: METRIC_TYPE.GAUGE, metricFamilyName: 'temp' },
          { type: METRIC_TYPE.HISTOGRAM, metricFamilyName: 'rpc_seconds' },
          { type: METRIC_TYPE.SUMMARY, metricFamilyName: 'gc_seconds' },
          { type: METRIC_TYPE.INFO, metricFamilyName: 'build_info' },
        ],
      }),
      't',
    ),
  )
  const kinds = Array.from(res.batch.seriesKinds)
  const K = SERIES_KIND_CODE
  assert.deepEqual(kinds, [
    K.counter,
    K.counter,
    K.gauge,
    K.histogram,
    K.histogram,
    K.histogram,
    K.summary,
    K.summary,
    K.gauge,
    K.unknown,
    K.unknown,
  ])
})

test('native histograms are counted as unsupported; exemplars are counted; samples kept', () => {
  const res = ok(
    decodeRemoteWrite(
      remoteWriteBody({
        timeseries: [
          {
            labels: labels('__name__', 'lat'),
            samples: [{ value: 3, timestamp: 5 }],
            exemplars: [{ labels: labels('trace_id', 'abc'), value: 0.3, timestamp: 5 }],
            histograms: [{ countInt: 4, sum: 1.5, schema: 3, timestamp: 5 }, { countInt: 1 }],
          },
        ],
      }),
      't',
    ),
  )
  assert.equal(res.batch.length, 1)
  assert.equal(res.rejectReasons.unsupported_native_histogram, 2)
  assert.equal(res.rejected, 2)
  assert.equal(res.received, 3)
  assert.equal(res.exemplarsIgnored, 1)
  assert.match(res.rejectDetails[0]!, /native histograms/)
  assert.equal(res.rejects.length, 1)
  assert.equal(res.rejects[0]!.records, 2)
  assert.equal(res.rejects[0]!.reason, 'unsupported_native_histogram')
  assert.equal(toObject(res.rejects[0]!.payload).histograms.length, 2)
})

test('reject payloads are copies: reusing the request buffer does not change them', () => {
  const pb = encodeWriteRequest({
    timeseries: [{ labels: labels('job', 'no-name'), samples: [{ value: 1, timestamp: 1 }] }],
  })
  const body = Buffer.from(pb)
  const res = ok(decodeWriteRequest(body, 't'))
  const before = Uint8Array.from(res.rejects[0]!.payload)
  body.fill(0)
  assert.deepEqual(Uint8Array.from(res.rejects[0]!.payload), before)
  assert.deepEqual(before, Uint8Array.from(pb.subarray(2))) // the TimeSeries after its tag and length bytes
})

test('a cached series with native histograms is rejected with its bytes too', () => {
  const series = {
    labels: labels('__name__', 'lat', 'job', 'a'),
    samples: [{ value: 3, timestamp: 5 }],
    histograms: [{ countInt: 4, timestamp: 5 }],
  }
  const decoder = new RemoteWriteDecoder()
  const body = remoteWriteBody({ timeseries: [series] })
  ok(decoder.decode(body, 't'))
  const warm = ok(decoder.decode(body, 't'))
  assert.equal(decoder.cachedSeries, 1)
  assert.equal(warm.rejects.length, 1)
  assert.equal(warm.rejects[0]!.series, '{__name__="lat", job="a"}')
  assert.deepEqual(toObject(warm.rejects[0]!.payload), toObject(encodeTimeSeries(series)))
})

test('whole-request failures are values naming the problem', () => {
  const big = new Uint8Array([0x80, 0x80, 0x80, 0x28]) // varint 80 MiB, then nothing
  assert.deepEqual(decodeRemoteWrite(big, 't'), {
    ok: false,
    reason: 'decompressed size 80 MiB exceeds the 64 MiB limit',
  })
  const bad = decodeRemoteWrite(new Uint8Array([5, 1, 2]), 't')
  assert.equal(bad.ok, false)
  assert.match(!bad.ok ? bad.reason : '', /^snappy: corrupt input/)
  assert.match(
    (decodeRemoteWrite(new Uint8Array(0), 't') as { reason: string }).reason,
    /^snappy: corrupt input/,
  )
  const pb = encodeWriteRequest({
    timeseries: [{ labels: labels('__name__', 'm'), samples: [{ value: 1, timestamp: 1 }] }],
  })
  const cut = decodeRemoteWrite(snappy.compressSync(pb.subarray(0, pb.length - 3)), 't')
  assert.deepEqual(cut, { ok: false, reason: 'truncated TimeSeries at byte 0' })
  const empty = ok(decodeRemoteWrite(snappy.compressSync(new Uint8Array(0)), 't'))
  assert.equal(empty.batch.length, 0)
})
