import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { runGolden } from './testing/golden.js'
import { session } from './window-assigner.js'

/** Session gap 10: a record opens [ts, ts+10); overlapping sessions of a key merge. Ids are `key#n`. */
describe('session windows (golden)', () => {
  const assigner = session(10)

  test('in-order input: a silence of at least the gap splits sessions', () => {
    const out = runGolden({ assigner }, ['a@0=1', 'a@5=2', 'b@3=1', 'a@14=4', 'a@24=1', 'wm 23', 'wm 33'])
    assert.deepEqual(out, [
      'b#2 [3,13) r1 final count=1 sum=1',
      'a#1 [0,24) r1 final count=3 sum=7',
      'a#3 [24,34) r1 final count=1 sum=1',
    ])
  })

  test('out-of-order records bridge two open sessions into one, keeping the older id', () => {
    const out = runGolden({ assigner }, ['a@0=1', 'a@15=2', 'wm 5', 'a@8=4', 'wm 24'])
    assert.deepEqual(out, ['a#1 [0,25) r1 final count=3 sum=7'])
  })

  test('late within lateness: a fired session upserts as revision 2, extending it reopens it', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 20 }, [
      'a@0=1',
      'a@5=1',
      'wm 14',
      'a@3=1',
      'wm 15',
      'a@8=1',
      'wm 16',
      'wm 17',
    ])
    assert.deepEqual(out, [
      'a#1 [0,15) r1 final count=2 sum=2',
      'a#1 [0,15) r2 final count=3 sum=3',
      'a#1 [0,18) r3 final count=4 sum=4',
    ])
  })

  test('a late record bridging a fired and an open session keeps the fired id and retracts nothing', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 50 }, ['a@0=1', 'a@15=1', 'wm 9', 'a@8=1', 'wm 24'])
    assert.deepEqual(out, ['a#1 [0,10) r1 final count=1 sum=1', 'a#1 [0,25) r2 final count=3 sum=3'])
  })

  test('a merge of two fired sessions retracts the absorbed one', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 50 }, ['a@0=1', 'a@12=1', 'wm 21', 'a@6=1', 'flush'])
    assert.deepEqual(out, [
      'a#1 [0,10) r1 final count=1 sum=1',
      'a#2 [12,22) r1 final count=1 sum=1',
      'a#1 [0,22) r2 final count=3 sum=3',
      'retract a#2 [12,22) r2',
    ])
  })

  test('too late: a session past end + lateness is gone and its records go to onLate', () => {
    const out = runGolden({ assigner, allowedLatenessMs: 5 }, ['a@0=1', 'wm 14', 'a@2=1', 'a@3=1', 'wm 15'])
    assert.deepEqual(out, [
      'a#1 [0,10) r1 final count=1 sum=1',
      'late a@2=1 window_closed',
      'late a@3=1 window_closed',
    ])
  })

  test('duplicates: a repeated timestamp neither counts twice nor extends the session', () => {
    const out = runGolden({ assigner }, ['a@0=1', 'a@4=2', 'a@4=2', 'a@0=5', 'wm 13'])
    assert.deepEqual(out, ['a#1 [0,14) r1 final count=2 sum=7'])
  })

  test('emit-on-update: merges retract emitted updates of the absorbed session', () => {
    const out = runGolden({ assigner, emitMode: 'emit-on-update' }, [
      'a@0=1',
      'a@15=1',
      'flush',
      'a@8=1',
      'flush',
      'wm 24',
    ])
    assert.deepEqual(out, [
      'a#1 [0,10) r1 update count=1 sum=1',
      'a#2 [15,25) r1 update count=1 sum=1',
      'a#1 [0,25) r2 update count=3 sum=3',
      'retract a#2 [15,25) r2',
      'a#1 [0,25) r3 final count=3 sum=3',
    ])
  })

  test('a watermark jump closes sessions of several keys in (end, key) order', () => {
    const out = runGolden({ assigner }, ['b@0=1', 'a@30=1', 'a@0=1', 'c@2=1', 'wm 1000'])
    assert.deepEqual(out, [
      'a#3 [0,10) r1 final count=1 sum=1',
      'b#1 [0,10) r1 final count=1 sum=1',
      'c#4 [2,12) r1 final count=1 sum=1',
      'a#2 [30,40) r1 final count=1 sum=1',
    ])
  })

  test('beyond maxOpenWindows a new session is refused, while records joining one are taken', () => {
    const out = runGolden({ assigner, maxOpenWindows: 1 }, ['a@0=1', 'b@0=1', 'a@5=1', 'wm 20'])
    assert.deepEqual(out, ['late b@0=1 too_many_windows', 'a#1 [0,15) r1 final count=2 sum=2'])
  })
})
