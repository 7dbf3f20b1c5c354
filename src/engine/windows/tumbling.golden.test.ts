import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runGolden } from './testing/golden.js'
import { tumbling } from './window-assigner.js'

/** Tumbling [0,10), [10,20), …; a watermark W means every ts ≤ W arrived, so [s,e) fires at W ≥ e − 1. */
describe('tumbling windows (golden)', () => {
  const assigner = tumbling(10)

  test('in-order input fires each window once the watermark passes its end', () => {
    const out = runGolden({ assigner }, ['a@1=1', 'a@4=2', 'b@5=10', 'wm 8', 'a@12=3', 'wm 9', 'wm 19'])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=2 sum=3',
      'b [0,10) r1 final count=1 sum=10',
      'a [10,20) r1 final count=1 sum=3',
    ])
  })

  test('out-of-order input behind the watermark but before the window fires is on time', () => {
    const out = runGolden({ assigner }, [
      'a@8=1',
      'wm 6',
      'a@2=2',
      'b@15=1',
      'a@11=5',
      'wm 7',
      'a@0=4',
      'wm 12',
    ])
    assert.deepEqual(out, ['a [0,10) r1 final count=3 sum=7'])
  })

  test('a late record within allowed lateness re-emits the window as revision 2', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 5 }, [
      'a@3=1',
      'wm 9',
      'a@7=2',
      'flush',
      'a@8=4',
      'wm 12',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'a [0,10) r2 final count=2 sum=3',
      'a [0,10) r3 final count=3 sum=7',
    ])
  })

  test('a record after end + lateness is late and the window state is gone', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 5 }, [
      'a@3=1',
      'wm 13',
      'a@4=1',
      'wm 14',
      'a@5=1',
      'a@15=1',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'a [0,10) r2 final count=2 sum=2',
      'late a@5=1 window_closed',
    ])
  })

  test('the allowed-lateness timeline of docs/windows.md', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 5 }, [
      'a@3=1',
      'wm 9',
      'a@7=1',
      'wm 13',
      'a@4=1',
      'wm 14',
      'a@5=1',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'a [0,10) r2 final count=2 sum=2',
      'a [0,10) r3 final count=3 sum=3',
      'late a@5=1 window_closed',
    ])
  })

  test('without lateness the window is dropped as it fires', () => {
    const out = runGolden({ assigner }, ['a@3=1', 'wm 9', 'a@9=1'])
    assert.deepEqual(out, ['a [0,10) r1 final count=1 sum=1', 'late a@9=1 window_closed'])
  })

  test('duplicates: same (key, ts) replaces, never double counts, even after the window fired', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 100 }, [
      'a@3=1',
      'a@3=1',
      'a@5=2',
      'a@5=7',
      'b@3=1',
      'wm 9',
      'a@3=1',
      'wm 10',
      'a@5=2',
      'wm 11',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=2 sum=8',
      'b [0,10) r1 final count=1 sum=1',
      'a [0,10) r2 final count=2 sum=3',
    ])
  })

  test('a retry after its window was dropped is late, even while the key still remembers the sample', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 20 }, [
      'a@50=1',
      'wm 15',
      'a@5=1',
      'wm 29',
      'a@5=1',
      'wm 59',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 final count=1 sum=1',
      'late a@5=1 window_closed',
      'a [50,60) r1 final count=1 sum=1',
    ])
  })

  test('duplicates count twice when deduplication is off', () => {
    const out = runGolden({ assigner, dedupeByTimestamp: false }, ['a@3=1', 'a@3=1', 'wm 9'])
    assert.deepEqual(out, ['a [0,10) r1 final count=2 sum=2'])
  })

  test('emit-on-update emits a non-final revision per changed batch, then the final one', () => {
    const out = runGolden({ assigner, emitMode: 'emit-on-update', allowedLatenessMs: 10 }, [
      'a@1=1',
      'a@2=1',
      'flush',
      'flush',
      'a@3=1',
      'b@12=1',
      'flush',
      'a@3=1',
      'flush',
      'wm 9',
      'a@4=1',
      'flush',
      'wm 19',
    ])
    assert.deepEqual(out, [
      'a [0,10) r1 update count=2 sum=2',
      'a [0,10) r2 update count=3 sum=3',
      'b [10,20) r1 update count=1 sum=1',
      'a [0,10) r3 final count=3 sum=3',
      'a [0,10) r4 final count=4 sum=4',
      'b [10,20) r2 final count=1 sum=1',
    ])
  })

  test('a watermark jump fires several windows in (end, key) order', () => {
    const out = runGolden({ assigner }, ['b@25=1', 'a@25=1', 'b@3=1', 'a@14=1', 'c@7=1', 'a@31=1', 'wm 29'])
    assert.deepEqual(out, [
      'b [0,10) r1 final count=1 sum=1',
      'c [0,10) r1 final count=1 sum=1',
      'a [10,20) r1 final count=1 sum=1',
      'a [20,30) r1 final count=1 sum=1',
      'b [20,30) r1 final count=1 sum=1',
    ])
  })

  test('offset shifts the window grid', () => {
    const out = runGolden({ assigner: tumbling(10, 3) }, ['a@2=1', 'a@3=1', 'a@12=1', 'wm 12'])
    assert.deepEqual(out, ['a [-7,3) r1 final count=1 sum=1', 'a [3,13) r1 final count=2 sum=2'])
  })

  test('beyond maxOpenWindows a record needing a new window is refused', () => {
    const out = runGolden({ assigner, maxOpenWindows: 2 }, [
      'a@1=1',
      'b@1=1',
      'c@1=1',
      'a@2=1',
      'wm 9',
      'c@15=1',
    ])
    assert.deepEqual(out, [
      'late c@1=1 too_many_windows',
      'a [0,10) r1 final count=2 sum=2',
      'b [0,10) r1 final count=1 sum=1',
    ])
  })
})
