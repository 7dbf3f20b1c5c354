import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runGolden } from './testing/golden.js'
import { sliding } from './window-assigner.js'

/** Sliding size 10, slide 5: ts 7 is in [0,10) and [5,15); ts 3 in [-5,5) and [0,10). */
describe('sliding windows (golden)', () => {
  const assigner = sliding(10, 5)

  test('in-order input: each sample lands in size/slide windows, fired in end order', () => {
    const out = runGolden({ assigner }, ['a@3=1', 'a@7=2', 'wm 4', 'a@12=4', 'wm 9', 'wm 14'])
    assert.deepEqual(out, [
      'a [-5,5) r1 final count=1 sum=1',
      'a [0,10) r1 final count=2 sum=3',
      'a [5,15) r1 final count=2 sum=6',
    ])
  })

  test('out-of-order input behind the watermark still counts in windows not yet fired', () => {
    const out = runGolden({ assigner }, ['a@8=1', 'wm 6', 'a@6=2', 'a@5=4', 'wm 9', 'wm 14'])
    assert.deepEqual(out, ['a [0,10) r1 final count=3 sum=7', 'a [5,15) r1 final count=3 sum=7'])
  })

  test('late within lateness upserts only the windows already fired', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 5 }, ['a@7=1', 'wm 9', 'a@8=2', 'wm 10', 'wm 14'])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'a [0,10) r2 final count=2 sum=3',
      'a [5,15) r1 final count=2 sum=3',
    ])
  })

  test('a record is late only when all its windows were dropped; dropped ones are skipped', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 2 }, ['a@7=1', 'wm 11', 'a@6=1', 'wm 16', 'a@8=1'])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'a [5,15) r1 final count=2 sum=2',
      'late a@8=1 window_closed',
    ])
  })

  test('duplicates are dropped in every window of the sample', () => {
    const out = runGolden({ assigner }, ['a@7=1', 'a@7=1', 'a@7=3', 'wm 14'])
    assert.deepEqual(out, ['a [0,10) r1 final count=1 sum=3', 'a [5,15) r1 final count=1 sum=3'])
  })

  test('emit-on-update emits every changed window of the batch as a non-final revision', () => {
    const out = runGolden({ assigner, emitMode: 'emit-on-update' }, [
      'a@7=1',
      'flush',
      'a@12=1',
      'flush',
      'wm 14',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 update count=1 sum=1',
      'a [5,15) r1 update count=1 sum=1',
      'a [5,15) r2 update count=2 sum=2',
      'a [10,20) r1 update count=1 sum=1',
      'a [0,10) r2 final count=1 sum=1',
      'a [5,15) r3 final count=2 sum=2',
    ])
  })

  test('a watermark jump fires every overlapping window in (end, key) order', () => {
    const out = runGolden({ assigner }, ['b@1=1', 'a@6=1', 'wm 100'])
    assert.deepEqual(out, [
      'b [-5,5) r1 final count=1 sum=1',
      'a [0,10) r1 final count=1 sum=1',
      'b [0,10) r1 final count=1 sum=1',
      'a [5,15) r1 final count=1 sum=1',
    ])
  })

  test('the capacity check is all or nothing across the windows of one sample', () => {
    const out = runGolden({ assigner, maxOpenWindows: 3 }, ['a@7=1', 'b@7=1', 'a@12=1', 'wm 14'])
    assert.deepEqual(out, [
      'late b@7=1 too_many_windows',
      'a [0,10) r1 final count=1 sum=1',
      'a [5,15) r1 final count=2 sum=2',
    ])
  })
})
