import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { errorCode } from '../../core/index.js'
import { Aggregate } from './aggregate.js'
import type { AggregateOptions, AggregateResult } from './aggregate.js'

const WITH_SKETCH: AggregateOptions = { sketch: { relativeAccuracy: 0.01 } }

function aggregateOf(
  samples: ReadonlyArray<readonly [number, number]>,
  options: AggregateOptions = {},
): Aggregate {
  const a = new Aggregate(options)
  for (const [ts, v] of samples) a.add(ts, v)
  return a
}

function same(actual: AggregateResult, expected: AggregateResult, message = ''): void {
  for (const key of Object.keys(expected) as Array<keyof AggregateResult>)
    assert.ok(Object.is(actual[key], expected[key]), `${message} ${key}: ${actual[key]} ≠ ${expected[key]}`)
}

test('explicit values: count, sum, min, max, last, mean and quantiles', () => {
  const a = aggregateOf(
    [
      [30, 5],
      [10, 1],
      [20, 9],
      [30, 7], // same timestamp as the first: added later, so it is `last`
      [25, 3],
    ],
    WITH_SKETCH,
  )
  const r = a.result()
  assert.deepEqual(
    { ...r, p50: 0, p90: 0, p99: 0 },
    {
      count: 5,
      sum: 25,
      min: 1,
      max: 9,
      last: 7,
      mean: 5,
      p50: 0,
      p90: 0,
      p99: 0,
    },
  )
  // Ranks ⌊q·4⌋ of [1, 3, 5, 7, 9]: 5, 7, 7 (within 1 %).
  assert.ok(Math.abs(r.p50 - 5) <= 0.05 && Math.abs(r.p90 - 7) <= 0.07 && Math.abs(r.p99 - 7) <= 0.07)
})

test('an empty aggregate answers NaN except count and sum; without a sketch quantiles are NaN', () => {
  same(new Aggregate(WITH_SKETCH).result(), {
    count: 0,
    sum: 0,
    min: NaN,
    max: NaN,
    last: NaN,
    mean: NaN,
    p50: NaN,
    p90: NaN,
    p99: NaN,
  })
  const r = aggregateOf([[1, 2]]).result()
  assert.equal(r.last, 2)
  assert.ok(Number.isNaN(r.p50) && Number.isNaN(r.p99))
  assert.equal(new Aggregate(WITH_SKETCH).sketch, null, 'the sketch is created lazily')
})

test('NaN values are skipped and counted; the first sample is last even with a NaN timestamp', () => {
  const a = aggregateOf([
    [NaN, 4],
    [5, NaN],
  ])
  assert.equal(a.count, 1)
  assert.equal(a.nanCount, 1)
  assert.equal(a.result().last, 4)
  a.add(1, 6)
  assert.equal(a.result().last, 6)
})

test('merge keeps the later timestamp for last; on a tie the merged-in side wins', () => {
  const a = aggregateOf([[10, 1]])
  a.merge(aggregateOf([[5, 2]]))
  assert.equal(a.result().last, 1)
  a.merge(aggregateOf([[10, 3]]))
  assert.equal(a.result().last, 3)
  a.merge(new Aggregate())
  same(
    a.result(),
    aggregateOf([
      [10, 1],
      [5, 2],
      [10, 3],
    ]).result(),
  )
})

test('merge refuses to mix aggregates with and without a sketch, or of different accuracy', () => {
  assert.throws(
    () => new Aggregate().merge(new Aggregate(WITH_SKETCH)),
    (e) => errorCode(e) === 'aggregate_sketch_mismatch',
  )
  const coarse = aggregateOf([[1, 1]], { sketch: { relativeAccuracy: 0.05 } })
  assert.throws(
    () => aggregateOf([[1, 1]], WITH_SKETCH).merge(coarse),
    (e) => errorCode(e) === 'sketch_accuracy_mismatch',
  )
  assert.throws(
    () => new Aggregate({ sketch: { maxBuckets: 1 } }),
    (e) => errorCode(e) === 'sketch_options',
  )
})

const sample = fc.tuple(
  fc.integer({ min: 0, max: 50 }),
  fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant(NaN)),
)
const samples = fc.array(sample, { maxLength: 60 })

test('merging partial aggregates equals aggregating all values, in any grouping', () => {
  fc.assert(
    fc.property(samples, fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (all, cuts, withSketch) => {
      const options = withSketch ? WITH_SKETCH : {}
      const bounds = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((x, y) => x - y)
      const parts: Aggregate[] = []
      let from = 0
      for (const to of [...bounds, all.length]) {
        parts.push(aggregateOf(all.slice(from, to), options))
        from = to
      }
      // Left fold in order: exactly the sequential aggregate, `last` included.
      const folded = new Aggregate(options)
      for (const p of parts) folded.merge(p)
      const whole = aggregateOf(all, options)
      same(folded.result(), whole.result())
      assert.equal(folded.nanCount, whole.nanCount)
      if (withSketch && whole.count > 0) assert.deepEqual(folded.sketch!.buckets(), whole.sketch!.buckets())
      // Any other order: everything but `last` is the same (integer values keep `sum` exact).
      const reversed = new Aggregate(options)
      for (const p of parts.reverse()) reversed.merge(p)
      same({ ...reversed.result(), last: 0 }, { ...whole.result(), last: 0 })
    }),
  )
})

test('last does not depend on merge order when timestamps are distinct', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 30 }), (timestamps) => {
      const parts = timestamps.map((ts) => aggregateOf([[ts, ts * 2]]))
      const merged = new Aggregate()
      for (const p of [...parts].reverse()) merged.merge(p)
      assert.equal(merged.result().last, Math.max(...timestamps) * 2)
    }),
  )
})

test('decode(encode(a)) answers like a, and re-encodes to the same bytes', () => {
  const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0))
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.double({ noNaN: true }), value), { maxLength: 40 }),
      fc.boolean(),
      (all, withSketch) => {
        const a = aggregateOf(all, withSketch ? WITH_SKETCH : {})
        const bytes = a.encode()
        const res = Aggregate.decode(bytes)
        assert.ok(res.ok, res.ok ? '' : res.reason)
        same(res.value.result(), a.result())
        assert.deepEqual(res.value.encode(), bytes)
        // A restored aggregate keeps going like the original.
        res.value.add(1e9, 1)
        a.add(1e9, 1)
        same(res.value.result(), a.result())
      },
    ),
  )
})

test('garbage or truncated aggregate bytes decode to a reason, never a throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => void Aggregate.decode(bytes)))
  const bytes = aggregateOf(
    [
      [1, 2],
      [3, 4],
    ],
    WITH_SKETCH,
  ).encode()
  for (let cut = 0; cut < bytes.length; cut++)
    assert.equal(Aggregate.decode(bytes.subarray(0, cut)).ok, false)
  assert.equal(Aggregate.decode(Uint8Array.of(...bytes, 0)).ok, false)
  const res = Aggregate.decode(Uint8Array.of(1, 1, 0, 0, 0))
  assert.ok(!res.ok && /not an aggregate/.test(res.reason))
})

test('addMany over columns equals add per sample; clone is independent', () => {
  const ts = Float64Array.of(1, 2, 3, 4)
  const vs = Float64Array.of(4, 3, 2, 1)
  const a = new Aggregate(WITH_SKETCH)
  a.addMany(ts, vs, 1, 3)
  same(
    a.result(),
    aggregateOf(
      [
        [2, 3],
        [3, 2],
      ],
      WITH_SKETCH,
    ).result(),
  )
  const c = a.clone()
  c.add(9, 100)
  assert.equal(a.count, 2)
  assert.equal(c.result().max, 100)
})
