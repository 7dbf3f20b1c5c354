import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode, isPermanent } from '../../../../core/index.js'
import { newStore } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'
import { StateKeyLimitError } from '../../state-errors.js'
import { numberCodec } from '../../state-codec.js'
import { mapTable, timeKeyedTable, valueTable } from '../../table-spec.js'

const small = { maxKeys: 3 }
const value = valueTable('v', numberCodec, small)
const map = mapTable('m', numberCodec, small)
const timed = timeKeyedTable('t', numberCodec, { ...small, ttlMs: 10 })

/** maxKeys per table: a new key past it is rejected with a typed, permanent error. */
export function limitConformance(h: StateBackendConformanceHarness): void {
  test('a new key past maxKeys is rejected with StateKeyLimitError; existing keys still update', () => {
    const store = newStore(h, [value, map, timed])
    const adders: ((k: string) => void)[] = [
      (k) => store.table(value).set(k, 1),
      (k) => store.table(map).set(k, 'f', 1),
      (k) => store.table(timed).set(k, 1, 1),
    ]
    for (const add of adders) {
      for (const k of ['a', 'b', 'c']) add(k)
      assert.throws(
        () => add('d'),
        (err) =>
          err instanceof StateKeyLimitError && errorCode(err) === 'STATE_KEY_LIMIT' && isPermanent(err),
      )
      add('a')
    }
    assert.equal(store.table(value).maxKeys, 3)
    assert.equal(store.table(value).has('d'), false, 'the rejected key was not added')
    store.table(map).set('a', 'g', 2)
    assert.equal(store.table(map).get('a', 'g'), 2, 'a new field of an existing key is fine')
    store.table(value).delete('b')
    store.table(value).set('d', 4)
    assert.equal(store.table(timed).expire(100), 3)
    store.table(timed).set('x', 200, 1)
    assert.equal(store.table(timed).size, 1, 'expiry makes room')
  })

  test('a snapshot holding more keys than maxKeys allows is rejected on restore', () => {
    const big = newStore(h, [valueTable('v', numberCodec)])
    for (let i = 0; i < 5; i++) big.table(valueTable('v', numberCodec)).set(`k${i}`, i)
    const r = newStore(h, [value]).restore([big.snapshot(1).bytes])
    assert.ok(!r.ok && /maxKeys/.test(r.reason))
  })
}
