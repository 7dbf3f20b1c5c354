import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { errorCode } from '../../core/index.js'
import { lastWindowStart, session, slideOf, sliding, tumbling } from './window-assigner.js'

describe('window assigners', () => {
  test('the windows of a time are exactly the fixed windows [start, end) that contain it', () => {
    const arb = fc.record({
      slide: fc.integer({ min: 1, max: 50 }),
      k: fc.integer({ min: 1, max: 5 }),
      extra: fc.integer({ min: 0, max: 49 }),
      offset: fc.integer({ min: -100, max: 100 }),
      ts: fc.integer({ min: -1_000, max: 1_000 }),
    })
    fc.assert(
      fc.property(arb, ({ slide, k, extra, offset, ts }) => {
        const size = slide * k + Math.min(extra, slide - 1)
        const a = sliding(size, slide, offset)
        const found: number[] = []
        for (let s = lastWindowStart(ts, slideOf(a), offset); s + size > ts; s -= slide) found.push(s)
        const expected: number[] = []
        for (let s = offset - Math.ceil(2_000 / slide + 2) * slide; s <= ts; s += slide)
          if (s <= ts && ts < s + size) expected.push(s)
        assert.deepEqual(
          [...found].sort((x, y) => x - y),
          expected,
        )
      }),
      { numRuns: 500 },
    )
  })

  test('tumbling is sliding with slide = size; offsets shift the grid, negative times included', () => {
    assert.equal(slideOf(tumbling(10)), 10)
    assert.equal(lastWindowStart(-1, 10, 0), -10)
    assert.equal(lastWindowStart(2, 10, 3), -7)
    assert.equal(lastWindowStart(13, 10, 3), 13)
  })

  test('invalid sizes, slides, gaps and offsets are user errors', () => {
    for (const make of [
      () => tumbling(0),
      () => tumbling(1.5),
      () => tumbling(10, Number.NaN),
      () => sliding(10, 0),
      () => sliding(10, 20),
      () => session(-1),
    ]) {
      assert.throws(make, (err: unknown) => errorCode(err) === 'invalid_window_config')
    }
  })
})
