import assert from 'node:assert/strict'
import { test } from 'node:test'
import { counts, labels, newStore, recent } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'

/** Each table kind's operations. */
export function tableConformance(h: StateBackendConformanceHarness): void {
  test('a value table gets, sets, deletes and counts keys', () => {
    const t = newStore(h).table(counts)
    assert.equal(t.get('a'), undefined)
    t.set('a', 1)
    t.set('b', 2)
    t.set('a', 3)
    assert.equal(t.get('a'), 3)
    assert.equal(t.size, 2)
    assert.ok(t.has('b'))
    assert.equal(t.delete('b'), true)
    assert.equal(t.delete('b'), false)
    assert.deepEqual([...t.entries()], [['a', 3]])
    t.set('nan', Number.NaN)
    assert.ok(Number.isNaN(t.get('nan')))
  })

  test('a map table holds fields per key; a key goes with its last field', () => {
    const t = newStore(h).table(labels)
    t.set('k', 'f1', 'x')
    t.set('k', 'f2', 'y')
    t.set('j', 'f1', 'z')
    assert.equal(t.get('k', 'f2'), 'y')
    assert.equal(t.get('k', 'nope'), undefined)
    assert.deepEqual(
      [...t.fields('k')!],
      [
        ['f1', 'x'],
        ['f2', 'y'],
      ],
    )
    assert.equal(t.size, 2)
    assert.equal(t.delete('k', 'f1'), true)
    assert.equal(t.delete('k', 'f1'), false)
    assert.equal(t.delete('k', 'f2'), true)
    assert.equal(t.has('k'), false)
    assert.equal(t.delete('j'), true)
    assert.equal(t.size, 0)
  })

  test('a time-keyed table keeps entries in time order, one per time, with half-open ranges', () => {
    const t = newStore(h).table(recent)
    for (const ts of [30, 10, 20, 40]) t.set('s', ts, ts * 2)
    t.set('s', 20, -1)
    assert.deepEqual(
      t.range('s', 0, 100).map((e) => e.timeMs),
      [10, 20, 30, 40],
    )
    assert.deepEqual(t.range('s', 20, 40), [
      { timeMs: 20, value: -1 },
      { timeMs: 30, value: 60 },
    ])
    assert.equal(t.get('s', 30), 60)
    assert.equal(t.get('s', 31), undefined)
    assert.equal(t.delete('s', 31), false)
    assert.equal(t.delete('s', 30), true)
    assert.deepEqual(t.range('x', 0, 100), [])
    assert.equal(t.size, 1)
    assert.equal(t.delete('s'), true)
    assert.equal(t.size, 0)
    assert.throws(() => t.set('s', Number.NaN, 1))
  })

  test('declarations are checked: duplicate names and undeclared tables are usage errors', () => {
    assert.throws(() => newStore(h, [counts, counts]), { name: 'StateUsageError' })
    const store = newStore(h, [counts])
    assert.throws(() => store.table(labels), { name: 'StateUsageError' })
    assert.equal(store.tableNamed('counts'), store.table(counts))
    assert.equal(store.tableNamed('labels'), undefined)
  })
}
