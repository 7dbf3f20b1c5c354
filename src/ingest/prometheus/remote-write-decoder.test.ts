import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import snappy from 'snappy'
import { RemoteWriteDecoder, decodeRemoteWrite } from './decode-remote-write.js'
import type { DecodeResult } from './decode-result.js'
import { encodeWriteRequest, remoteWriteBody } from './testing/write-request-proto.js'
import type { PbWriteRequest } from './testing/write-request-proto.js'

function same(a: DecodeResult, b: DecodeResult): void {
  assert.ok(a.ok && b.ok)
  assert.deepEqual(a.batch.series, b.batch.series)
  assert.deepEqual(Array.from(a.batch.seriesKinds), Array.from(b.batch.seriesKinds))
  assert.deepEqual(Array.from(a.batch.seriesIdx), Array.from(b.batch.seriesIdx))
  assert.deepEqual(Array.from(a.batch.ts), Array.from(b.batch.ts))
  assert.deepEqual(Array.from(a.batch.value), Array.from(b.batch.value))
  assert.deepEqual(a.rejectReasons, b.rejectReasons)
  assert.equal(a.received, b.received)
}

const req: PbWriteRequest = {
  timeseries: [
    {
      labels: [
        { name: '__name__', value: 'up' },
        { name: 'job', value: 'a' },
      ],
      samples: [{ value: 1, timestamp: 1 }],
    },
    {
      labels: [
        { name: 'job', value: 'b' },
        { name: '__name__', value: 'up' },
      ],
      samples: [{ value: 2, timestamp: 2 }],
    },
    {
      labels: [
        { name: '__name__', value: 'up' },
        { name: '1x', value: 'bad' },
      ],
      samples: [{ value: 3, timestamp: 3 }],
    },
  ],
  metadata: [{ type: 2, metricFamilyName: 'up' }],
}

test('a cached decoder gives the same results as the stateless one, request after request', () => {
  const decoder = new RemoteWriteDecoder()
  const body = remoteWriteBody(req)
  const first = decoder.decode(body, 't')
  assert.equal(decoder.cachedSeries, 2, 'valid series only')
  const second = decoder.decode(body, 't')
  same(first, decodeRemoteWrite(body, 't'))
  same(second, decodeRemoteWrite(body, 't'))
  assert.ok(first.ok && second.ok)
  assert.equal(first.rejectReasons.invalid_label_name, 1)
  assert.equal(second.rejectReasons.invalid_label_name, 1)
  assert.equal(second.batch.series[0], first.batch.series[0], 'label arrays are shared')
})

test('labels split around samples are not served from the cache', () => {
  // Hand-made TimeSeries: label, sample, label (legal protobuf, unusual order).
  const pb = encodeWriteRequest({
    timeseries: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1, timestamp: 1 }] }],
  })
  const extra = encodeWriteRequest({
    timeseries: [{ labels: [{ name: 'job', value: 'x' }], samples: [] }],
  })
  // Append the second message's TimeSeries content into the first TimeSeries.
  const inner1 = pb.subarray(2)
  const inner2 = extra.subarray(2)
  const merged = Uint8Array.from([0x0a, inner1.length + inner2.length, ...inner1, ...inner2])
  const decoder = new RemoteWriteDecoder()
  const body = snappy.compressSync(merged)
  for (let i = 0; i < 3; i++) {
    const res = decoder.decode(body, 't')
    assert.ok(res.ok)
    assert.deepEqual(res.batch.series, [['__name__', 'up', 'job', 'x']])
  }
  const plain = decoder.decode(remoteWriteBody({ timeseries: [req.timeseries[0]!] }), 't')
  assert.ok(plain.ok)
  assert.deepEqual(plain.batch.series, [['__name__', 'up', 'job', 'a']])
})

test('the cache is bounded and optional', () => {
  const decoder = new RemoteWriteDecoder({ maxCachedSeries: 1 })
  const res = decoder.decode(remoteWriteBody(req), 't')
  assert.ok(res.ok)
  assert.equal(decoder.cachedSeries, 1)
  const off = new RemoteWriteDecoder({ maxCachedSeries: 0, limits: { maxLabelsPerSeries: 1 } })
  const r2 = off.decode(remoteWriteBody(req), 't')
  assert.equal(off.cachedSeries, 0)
  assert.ok(r2.ok)
  assert.equal(r2.rejectReasons.too_many_labels, 2)
})

test('random requests decode the same with and without a warm cache', () => {
  const decoder = new RemoteWriteDecoder({ maxCachedSeries: 16 })
  const name = fc.constantFrom('a', 'b', '__name__', 'job', 'x_1', '9')
  const value = fc.constantFrom('', 'v', 'w', 'ü')
  const series = fc.record({
    labels: fc.array(fc.record({ name, value }), { maxLength: 4 }),
    samples: fc.array(fc.record({ value: fc.double(), timestamp: fc.integer() }), { maxLength: 2 }),
  })
  fc.assert(
    fc.property(fc.array(series, { maxLength: 6 }), (timeseries) => {
      const body = remoteWriteBody({ timeseries })
      same(decoder.decode(body, 't'), decodeRemoteWrite(body, 't'))
    }),
    { numRuns: 500 },
  )
})
