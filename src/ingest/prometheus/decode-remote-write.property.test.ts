import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import snappy from 'snappy'
import { decodeRemoteWrite } from './decode-remote-write.js'
import type { DecodeResult } from './decode-result.js'
import { encodeWriteRequest, remoteWriteBody } from './testing/write-request-proto.js'
import type { PbTimeSeries, PbWriteRequest } from './testing/write-request-proto.js'
import { decodeWriteRequest } from './write-request-decoder.js'

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => n !== '__name__')
const labelValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
const sample = fc.record({
  value: fc.double(),
  timestamp: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
})
const timeSeries: fc.Arbitrary<PbTimeSeries> = fc
  .record({
    name: labelValue,
    others: fc.uniqueArray(fc.tuple(labelName, labelValue), { selector: (t) => t[0], maxLength: 6 }),
    samples: fc.array(sample, { maxLength: 5 }),
  })
  .chain(({ name, others, samples }) =>
    fc
      .shuffledSubarray([['__name__', name] as const, ...others], { minLength: others.length + 1 })
      .map((pairs) => ({ labels: pairs.map(([n, v]) => ({ name: n, value: v })), samples })),
  )
const writeRequest: fc.Arbitrary<PbWriteRequest> = fc.record({
  timeseries: fc.array(timeSeries, { maxLength: 8 }),
})

function sortedLabels(ts: PbTimeSeries): string[] {
  return ts.labels
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((l) => [l.name, l.value])
}

function bits(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0]!
}

test('decode(encode(x)) == x for arbitrary valid WriteRequests encoded by protobufjs', () => {
  fc.assert(
    fc.property(writeRequest, (req) => {
      const res = decodeRemoteWrite(remoteWriteBody(req), 'p')
      if (!res.ok) assert.fail(res.reason)
      const series: string[][] = []
      const keys = new Map<string, number>()
      const expected: [number, number, number][] = []
      for (const ts of req.timeseries) {
        if (ts.samples.length === 0) continue
        const labels = sortedLabels(ts)
        const key = labels.join('\u0000')
        let idx = keys.get(key)
        if (idx === undefined) {
          idx = series.length
          keys.set(key, idx)
          series.push(labels)
        }
        for (const s of ts.samples) expected.push([idx, s.timestamp, s.value])
      }
      assert.deepEqual(res.batch.series, series)
      assert.equal(res.batch.length, expected.length)
      assert.equal(res.rejected, 0)
      expected.forEach(([idx, ts, value], i) => {
        assert.equal(res.batch.seriesIdx[i], idx)
        assert.equal(res.batch.ts[i], ts)
        assert.equal(bits(res.batch.value[i]!), bits(value), `value ${value} at ${i}`)
      })
    }),
    { numRuns: 300 },
  )
})

/** Whatever came out is internally consistent. */
function assertConsistent(res: DecodeResult): void {
  if (!res.ok) {
    assert.equal(typeof res.reason, 'string')
    assert.ok(res.reason.length > 0)
    return
  }
  const b = res.batch
  assert.equal(b.seriesIdx.length, b.length)
  assert.equal(b.ts.length, b.length)
  assert.equal(b.value.length, b.length)
  for (const i of b.seriesIdx) assert.ok(i < b.series.length)
  assert.equal(res.received, b.length + res.rejected)
  assert.equal(
    Object.values(res.rejectReasons).reduce((a, n) => a + n, 0),
    res.rejected,
  )
  assert.equal(
    res.rejects.reduce((a, r) => a + r.records, 0),
    res.rejected,
  )
  for (const labels of b.series) {
    assert.ok(labels.includes('__name__'))
    for (let i = 2; i < labels.length; i += 2) assert.ok(labels[i - 2]! < labels[i]!, 'sorted, unique')
    for (let i = 0; i < labels.length; i += 2) assert.match(labels[i]!, /^[a-zA-Z_][a-zA-Z0-9_]*$/)
  }
}

test('random bytes never throw, as a snappy body or as a protobuf message', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assertConsistent(decodeRemoteWrite(bytes, 'p'))
      assertConsistent(decodeRemoteWrite(snappy.compressSync(bytes), 'p'))
      assertConsistent(decodeWriteRequest(bytes, 'p'))
    }),
    { numRuns: 2000 },
  )
})

test('truncated and bit-flipped snappy bodies never throw', () => {
  fc.assert(
    fc.property(writeRequest, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (req, cut, at, bit) => {
      const body = remoteWriteBody(req)
      assertConsistent(decodeRemoteWrite(body.subarray(0, cut % (body.length + 1)), 'p'))
      const flipped = Uint8Array.from(body)
      if (flipped.length > 0) flipped[at % flipped.length]! ^= 1 << bit
      assertConsistent(decodeRemoteWrite(flipped, 'p'))
    }),
    { numRuns: 500 },
  )
})

test('truncated and bit-flipped protobuf never throws; a cut inside a series fails the request', () => {
  fc.assert(
    fc.property(writeRequest, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (req, cut, at, bit) => {
      const pb = encodeWriteRequest(req)
      const n = cut % (pb.length + 1)
      const res = decodeRemoteWrite(snappy.compressSync(pb.subarray(0, n)), 'p')
      assertConsistent(res)
      if (n < pb.length && n > 0 && req.timeseries.length === 1) assert.equal(res.ok, false)
      const flipped = Uint8Array.from(pb)
      if (flipped.length > 0) flipped[at % flipped.length]! ^= 1 << bit
      assertConsistent(decodeWriteRequest(flipped, 'p'))
    }),
    { numRuns: 500 },
  )
})
