import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { countSumKind } from './count-sum.js'
import { KeyedWindows } from './keyed-windows.js'
import { RecordingSink, runGolden } from './testing/golden.js'
import { session, sliding, tumbling } from './window-assigner.js'

describe('KeyedWindows', () => {
  test('invalid options are one user error naming every problem', () => {
    const sink = new RecordingSink(false)
    assert.throws(
      () =>
        new KeyedWindows(
          { assigner: tumbling(10), accumulator: countSumKind, allowedLatenessMs: -1, maxOpenWindows: 0 },
          sink,
        ),
      (err: unknown) =>
        errorCode(err) === 'invalid_window_config' &&
        /allowedLatenessMs/.test(String(err)) &&
        /maxOpenWindows/.test(String(err)),
    )
  })

  test('a non-finite timestamp is refused as invalid_timestamp, never thrown', () => {
    const sink = new RecordingSink(false)
    const w = new KeyedWindows({ assigner: tumbling(10), accumulator: countSumKind }, sink)
    assert.equal(w.add('a', Number.NaN, 1), 'late')
    assert.deepEqual(sink.lines, ['late a@NaN=1 invalid_timestamp'])
  })

  test('the watermark never moves back; a smaller one only emits pending upserts', () => {
    const out = runGolden({ assigner: tumbling(10), allowedLatenessMs: 20 }, [
      'a@1=1',
      'wm 9',
      'a@2=1',
      'wm 3',
      'a@11=1',
      'wm 5',
    ])
    assert.deepEqual(out, ['a [0,10) r1 final count=1 sum=1', 'a [0,10) r2 final count=2 sum=2'])
  })

  test('open windows are counted and released when dropped', () => {
    const sink = new RecordingSink(true)
    const w = new KeyedWindows({ assigner: session(5), accumulator: countSumKind }, sink)
    w.add('a', 0, 1)
    w.add('b', 0, 1)
    w.add('a', 3, 1)
    assert.equal(w.openWindows, 2)
    w.advanceWatermark(7)
    assert.equal(w.openWindows, 0)
    assert.equal(w.watermarkMs, 7)
  })

  test('dedupe keeps a sample once per key, and only while a window of its timestamp is open', () => {
    const sink = new RecordingSink(false)
    const w = new KeyedWindows({ assigner: sliding(10, 5), accumulator: countSumKind }, sink)
    for (const [ts, value] of [
      [1, 1],
      [7, 2],
      [12, 3],
    ] as const) {
      w.add('a', ts, value)
    }
    w.advanceWatermark(9)
    assert.deepEqual(w.snapshot().keySamples, [{ key: 'a', samples: [7, 2, 12, 3] }])
    w.advanceWatermark(100)
    assert.deepEqual(w.snapshot().keySamples, [])
    assert.equal(w.openWindows, 0)
  })

  test('two runs over the same input give identical output sequences', () => {
    const steps = ['c@3=1', 'a@3=1', 'b@12=2', 'a@14=1', 'b@1=1', 'wm 30']
    assert.deepEqual(
      runGolden({ assigner: tumbling(10) }, steps),
      runGolden({ assigner: tumbling(10) }, steps),
    )
    assert.deepEqual(runGolden({ assigner: tumbling(10) }, steps), [
      'a [0,10) r1 final count=1 sum=1',
      'b [0,10) r1 final count=1 sum=1',
      'c [0,10) r1 final count=1 sum=1',
      'a [10,20) r1 final count=1 sum=1',
      'b [10,20) r1 final count=1 sum=2',
    ])
  })
})
