import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { errorCode } from '../../core/index.js'
import { QuantileSketch } from './quantile-sketch.js'
import type { SketchOptions } from './quantile-sketch.js'

const QS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

function sketchOf(values: readonly number[], options: SketchOptions = {}): QuantileSketch {
  const s = new QuantileSketch(options)
  s.addMany(Float64Array.from(values))
  return s
}

/** The documented rank definition: element ⌊q·(n−1)⌋ of the sorted values. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!
}

function assertWithin(values: readonly number[], s: QuantileSketch, qs: readonly number[] = QS): void {
  const sorted = [...values].sort((a, b) => a - b)
  const alpha = s.relativeAccuracy
  for (const q of qs) {
    const exact = exactQuantile(sorted, q)
    const got = s.quantile(q)
    // α, plus floating-point rounding of the bucket mapping (documented as ~1e-13 relative), plus
    // the documented absolute error of subnormals, which count as zero.
    const bound = alpha * Math.abs(exact) * (1 + 1e-9) + 1e-307
    assert.ok(Math.abs(got - exact) <= bound, `q=${q}: got ${got}, exact ${exact}, n=${values.length}`)
  }
}

const positive = fc.double({ min: 1e-6, max: 1e9, noNaN: true })
/** Magnitudes in [1e-9, 1e12], so α = 0.001 needs < 65536 buckets (generated doubles like 1e-300 would not). */
const magnitude = fc.double({ min: 1e-9, max: 1e12, noNaN: true })
const uniform = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1000, noNaN: true })), {
  minLength: 1,
  maxLength: 400,
})
const lognormal = fc
  .record({
    mu: fc.double({ min: -5, max: 10, noNaN: true }),
    sigma: fc.double({ min: 0.1, max: 3, noNaN: true }),
    uv: fc.array(
      fc.tuple(fc.double({ min: 1e-12, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
      {
        minLength: 1,
        maxLength: 400,
      },
    ),
  })
  .map(({ mu, sigma, uv }) =>
    uv.map(([u1, u2]) => Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2))),
  )
const duplicates = fc
  .tuple(
    fc.array(positive, { minLength: 1, maxLength: 4 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 300 }),
  )
  .map(([pool, picks]) => picks.map((i) => pool[i % pool.length]!))
const anySign = fc.array(
  fc.oneof(
    magnitude,
    magnitude.map((v) => -v),
    fc.constantFrom(0, -0, 1, -1, 5e-324, -5e-324),
  ),
  { minLength: 1, maxLength: 300 },
)
const alphas = fc.constantFrom(0.001, 0.01, 0.05)

test('quantiles are within α of the exact quantile: uniform, lognormal, duplicates, any sign', () => {
  for (const values of [uniform, lognormal, duplicates, anySign]) {
    fc.assert(
      fc.property(values, alphas, (vs, relativeAccuracy) => {
        // Enough buckets that nothing collapses; collapsing has its own test.
        assertWithin(vs, sketchOf(vs, { relativeAccuracy, maxBuckets: 65536 }))
      }),
      { numRuns: 150 },
    )
  }
})

test('p50, p90 and p99 of 100,000 lognormal latencies are within 1 %', () => {
  const values: number[] = []
  let seed = 42
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1)
  for (let i = 0; i < 100_000; i++)
    values.push(Math.exp(3 + 1.2 * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())))
  const s = sketchOf(values)
  assertWithin(values, s, [0.5, 0.9, 0.99])
  assert.equal(s.count, 100_000)
})

test('merge(a, b) has exactly the buckets of one sketch of a ++ b, collapsing or not', () => {
  fc.assert(
    fc.property(anySign, fc.nat(), fc.constantFrom(8, 64, 2048), (vs, cut, maxBuckets) => {
      const k = cut % (vs.length + 1)
      const a = sketchOf(vs.slice(0, k), { maxBuckets })
      const b = sketchOf(vs.slice(k), { maxBuckets })
      const all = sketchOf(vs, { maxBuckets })
      a.merge(b)
      assert.deepEqual(a.buckets(), all.buckets())
      assert.equal(a.count, all.count)
      assert.equal(a.min, all.min)
      assert.equal(a.max, all.max)
      for (const q of QS) assert.equal(a.quantile(q), all.quantile(q))
      assert.ok(Math.abs(a.sum - all.sum) <= 1e-9 * vs.reduce((t, v) => t + Math.abs(v), 0))
    }),
  )
})

test('merging a sketch into itself doubles it', () => {
  const s = sketchOf([1, 2, 3])
  s.merge(s)
  assert.equal(s.count, 6)
  assert.deepEqual(s.buckets(), sketchOf([1, 1, 2, 2, 3, 3]).buckets())
})

test('merge refuses a different relative accuracy', () => {
  const a = sketchOf([1], { relativeAccuracy: 0.01 })
  const b = sketchOf([1], { relativeAccuracy: 0.02 })
  assert.throws(
    () => a.merge(b),
    (err) => errorCode(err) === 'sketch_accuracy_mismatch',
  )
  assert.equal(a.count, 1)
})

test('decode(encode(s)) is s, and encoding is canonical', () => {
  const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, 1e-310, Number.MAX_VALUE, -Number.MAX_VALUE)
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double(), special), { maxLength: 200 }),
      alphas,
      fc.constantFrom(8, 2048),
      (vs, relativeAccuracy, maxBuckets) => {
        const s = sketchOf(vs, { relativeAccuracy, maxBuckets })
        const bytes = s.encode()
        const res = QuantileSketch.decode(bytes)
        assert.ok(res.ok, res.ok ? '' : res.reason)
        const d = res.value
        assert.deepEqual(d.encode(), bytes)
        assert.deepEqual(d.buckets(), s.buckets())
        for (const key of [
          'count',
          'nanCount',
          'sum',
          'min',
          'max',
          'relativeAccuracy',
          'maxBuckets',
        ] as const)
          assert.ok(Object.is(d[key], s[key]), key)
        for (const q of QS) assert.ok(Object.is(d.quantile(q), s.quantile(q)))
      },
    ),
  )
})

test('garbage, truncated or corrupted bytes decode to a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const res = QuantileSketch.decode(bytes)
      if (res.ok) assert.deepEqual(QuantileSketch.decode(res.value.encode()).ok, true)
    }),
  )
  fc.assert(
    fc.property(fc.array(positive, { maxLength: 50 }), fc.nat(), fc.nat(255), (vs, at, byte) => {
      const bytes = sketchOf(vs).encode()
      const cut = at % (bytes.length + 1)
      const truncated = QuantileSketch.decode(bytes.subarray(0, cut))
      if (cut < bytes.length) assert.equal(truncated.ok, false)
      const flipped = Uint8Array.from(bytes)
      flipped[at % bytes.length] = byte
      QuantileSketch.decode(flipped)
      QuantileSketch.decode(Uint8Array.of(...bytes, 0))
    }),
  )
  const res = QuantileSketch.decode(Uint8Array.of(9, 1))
  assert.ok(!res.ok && /version 9/.test(res.reason))
})

test('collapsing the lowest buckets keeps high quantiles within α and memory bounded', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 300 }),
      (vs) => {
        const s = sketchOf(vs, { maxBuckets: 64 })
        const { positive: buckets } = s.buckets()
        const width = buckets.length === 0 ? 0 : buckets.at(-1)![0] - buckets[0]![0] + 1
        assert.ok(width <= 64)
        // Quantiles whose exact value is above every collapsed value stay within α.
        const sorted = [...vs].sort((a, b) => a - b)
        const floorIndex = buckets[0]?.[0] ?? 0
        const qs = QS.filter((q) => Math.log(exactQuantile(sorted, q)) / Math.log(1.01 / 0.99) > floorIndex)
        assertWithin(vs, s, qs)
      },
    ),
  )
  const values = Array.from({ length: 1000 }, (_, i) => 1 + i * 1000)
  const s = sketchOf(values, { maxBuckets: 64 })
  assertWithin(values, s, [0.9, 0.99, 1])
  assert.ok(s.quantile(0.1) > exactQuantile(values, 0.1) * 1.01, 'low quantiles are overestimated')
})

test('NaN is ignored and counted; ±Infinity have counts of their own; empty answers NaN', () => {
  const empty = new QuantileSketch()
  assert.ok(Number.isNaN(empty.quantile(0.5)) && Number.isNaN(empty.min) && Number.isNaN(empty.max))
  assert.equal(empty.sum, 0)
  const s = sketchOf([NaN, -Infinity, 1, 2, 3, Infinity, Infinity, NaN])
  assert.equal(s.count, 6)
  assert.equal(s.nanCount, 2)
  assert.equal(s.quantile(0), -Infinity)
  assert.equal(s.quantile(0.1), -Infinity)
  assert.equal(s.quantile(1), Infinity)
  assert.equal(s.quantile(0.8), Infinity)
  assert.ok(Math.abs(s.quantile(0.5) - 2) <= 0.02)
  assert.ok(Number.isNaN(s.sum))
  assert.throws(() => s.quantile(1.5), RangeError)
})

test('values below the smallest normal double count as zero', () => {
  const s = sketchOf([5e-324, -5e-324, 0, 1])
  assert.equal(s.buckets().zero, 3)
  assert.equal(s.quantile(0.5), 0)
})

test('options outside their range are refused', () => {
  for (const options of [
    { relativeAccuracy: 0 },
    { relativeAccuracy: 0.9 },
    { maxBuckets: 4 },
    { maxBuckets: 10.5 },
  ])
    assert.throws(
      () => new QuantileSketch(options),
      (err) => errorCode(err) === 'sketch_options',
    )
})

test('clone is independent', () => {
  const s = sketchOf([1, 2, 3])
  const c = s.clone()
  c.add(-5)
  assert.equal(s.count, 3)
  assert.equal(c.count, 4)
  assert.deepEqual(s.buckets(), sketchOf([1, 2, 3]).buckets())
})
