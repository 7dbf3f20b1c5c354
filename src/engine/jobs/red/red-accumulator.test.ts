import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RedAccumulator, decodeRedSample, encodeRedSample, redAccumulatorKind } from './red-accumulator.js'

const options = { sketch: { relativeAccuracy: 0.01 } }

function filled(samples: [number, number, boolean][]): RedAccumulator {
  const acc = new RedAccumulator(options)
  for (const [ts, d, isError] of samples) acc.add(ts, encodeRedSample(d, isError))
  return acc
}

test('the sample coding keeps the duration bit for bit and the error flag, zero included', () => {
  for (const d of [0, 1e-6, 0.1 + 0.2, 12.345678, 1e12]) {
    for (const isError of [false, true]) {
      const back = decodeRedSample(encodeRedSample(d, isError))
      assert.ok(Object.is(back.durationMs, d), `${d}`)
      assert.equal(back.isError, isError)
    }
  }
})

test('counts spans and errors, aggregates durations; merge equals one accumulator of everything', () => {
  const a = filled([
    [1, 10, false],
    [2, 20, true],
  ])
  const b = filled([
    [3, 0, true],
    [4, 40, false],
  ])
  a.merge(b)
  const all = filled([
    [1, 10, false],
    [2, 20, true],
    [3, 0, true],
    [4, 40, false],
  ])
  assert.deepEqual(a.result(), all.result())
  assert.equal(a.errors, 2)
  assert.deepEqual([a.result().count, a.result().sum, a.result().min, a.result().last], [4, 70, 0, 40])
})

test('encode/decode round-trips exactly (empty, with errors) and decode refuses bad bytes', () => {
  const kind = redAccumulatorKind(options)
  for (const acc of [
    kind.create(),
    filled([[1, 5, true]]),
    filled([
      [1, 5, false],
      [2, 7.25, true],
      [3, 0, true],
    ]),
  ]) {
    const bytes = kind.encode(acc)
    const back = kind.decode(bytes)
    assert.deepEqual(back.result(), acc.result())
    assert.equal(back.errors, acc.errors)
    assert.deepEqual(kind.encode(back), bytes)
    back.add(9, encodeRedSample(3, true))
    assert.equal(back.errors, acc.errors + 1, 'a restored accumulator keeps counting')
  }
  const bytes = filled([[1, 5, true]]).encode()
  assert.match(RedAccumulator.decode(bytes.subarray(0, 3)).ok ? '' : 'refused', /refused/)
  const wrongVersion = new Uint8Array(bytes)
  wrongVersion[0] = 9
  assert.deepEqual(RedAccumulator.decode(wrongVersion), {
    ok: false,
    reason: 'malformed RED accumulator: unsupported version 9',
  })
  const tooManyErrors = new Uint8Array(bytes)
  tooManyErrors[2] = 2
  assert.match((RedAccumulator.decode(tooManyErrors) as { reason: string }).reason, /2 errors in 1 spans/)
  assert.throws(() => kind.decode(wrongVersion), /cannot restore a RED window/)
})
