import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { decodeMetricBatch, encodeMetricBatch } from './metric-batch-codec.js'
import { MetricBatchBuilder, seriesKinds } from './metric-batch.js'
import type { MetricBatch } from './metric-batch.js'

const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!

const labelSet = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 })), {
    selector: ([name]) => name,
    maxLength: 6,
  })
  .map((pairs) => ['__name__', 'm', ...pairs.filter(([n]) => n !== '__name__').flat()])

const batchArb = fc
  .record({
    tenant: fc.string({ maxLength: 10 }),
    series: fc.array(fc.tuple(labelSet, fc.constantFrom(...seriesKinds)), { minLength: 1, maxLength: 8 }),
    samples: fc.array(fc.tuple(fc.nat(), fc.double(), fc.double()), { maxLength: 50 }),
    kept: fc.array(fc.tuple(fc.nat(), fc.double({ noNaN: true }), fc.uint8Array({ maxLength: 30 })), {
      maxLength: 3,
    }),
  })
  .map(({ tenant, series, samples, kept }) => {
    const b = new MetricBatchBuilder(tenant, 4)
    const idx = series.map(([labels, kind]) => b.series(labels, kind))
    for (const [s, ts, v] of samples) b.sample(idx[s % idx.length]!, ts, v)
    for (const [s, ts, payload] of kept)
      b.keep({ kind: 'exponential_histogram', series: idx[s % idx.length]!, timestampMs: ts, payload })
    return b.build()
  })

function same(a: MetricBatch, b: MetricBatch): void {
  assert.equal(b.tenant, a.tenant)
  assert.deepEqual(b.series, a.series)
  assert.deepEqual([...b.seriesKinds], [...a.seriesKinds])
  assert.equal(b.length, a.length)
  assert.deepEqual([...b.seriesIdx], [...a.seriesIdx])
  // Bit-exact: NaN payloads (Prometheus stale markers) must survive.
  assert.deepEqual(
    new Uint8Array(b.ts.buffer, b.ts.byteOffset, b.ts.byteLength),
    new Uint8Array(a.ts.buffer, a.ts.byteOffset, a.ts.byteLength),
  )
  assert.deepEqual(
    new Uint8Array(b.value.buffer, b.value.byteOffset, b.value.byteLength),
    new Uint8Array(a.value.buffer, a.value.byteOffset, a.value.byteLength),
  )
  assert.deepEqual(
    b.keptPoints.map((p) => ({ ...p, payload: [...p.payload] })),
    a.keptPoints.map((p) => ({ ...p, payload: [...p.payload] })),
  )
}

test('decode(encode(batch)) is the batch, bit for bit, aligned or not', () => {
  fc.assert(
    fc.property(batchArb, fc.integer({ min: 0, max: 7 }), (batch, shift) => {
      const encoded = encodeMetricBatch(batch)
      const shifted = new Uint8Array(encoded.length + shift)
      shifted.set(encoded, shift)
      const res = decodeMetricBatch(shifted.subarray(shift))
      assert.ok(res.ok, res.ok ? '' : res.reason)
      same(batch, res.batch)
    }),
  )
})

test('stale markers keep their NaN payload', () => {
  const b = new MetricBatchBuilder('t')
  b.sample(b.series(['__name__', 'up']), 1, STALE_NAN)
  const res = decodeMetricBatch(encodeMetricBatch(b.build()))
  assert.ok(res.ok)
  assert.equal(
    new BigUint64Array(res.batch.value.buffer, res.batch.value.byteOffset, 1)[0],
    0x7ff0000000000002n,
  )
})

test('truncated, corrupted or foreign bytes decode to a reason, never a throw', () => {
  fc.assert(
    fc.property(batchArb, fc.nat(), fc.nat(), (batch, cut, flip) => {
      const encoded = encodeMetricBatch(batch)
      const truncated = decodeMetricBatch(encoded.subarray(0, cut % encoded.length))
      assert.equal(truncated.ok, false)
      const flipped = Buffer.from(encoded)
      flipped[flip % flipped.length]! ^= 0xff
      decodeMetricBatch(flipped) // any result, but no throw
    }),
  )
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void decodeMetricBatch(bytes)))
})
