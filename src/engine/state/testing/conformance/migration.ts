import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newStore } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'
import { numberCodec, stringCodec } from '../../state-codec.js'
import { valueTable } from '../../table-spec.js'

/** Version 1 kept numbers as decimal strings; version 2 keeps doubles. */
const v1 = valueTable('totals', stringCodec, { version: 1 })
const v2 = valueTable('totals', numberCodec, {
  version: 2,
  migrate: (previous, bytes) => {
    if (previous !== 1) throw new Error(`no migration from version ${previous}`)
    return numberCodec.encode(Number(stringCodec.decode(bytes)))
  },
})

/** Table schema versions and the per-table migrate hook. */
export function migrationConformance(h: StateBackendConformanceHarness): void {
  test('an older table version is migrated value by value on restore, deltas included', () => {
    const old = newStore(h, [v1])
    old.table(v1).set('a', '1.5')
    old.table(v1).set('b', '2')
    const full = old.snapshot(1)
    old.table(v1).set('b', '3')
    const delta = old.snapshot(2)
    const upgraded = newStore(h, [v2])
    assert.deepEqual(upgraded.restore([full.bytes, delta.bytes]), { ok: true })
    assert.deepEqual([...upgraded.table(v2).entries()].sort(), [
      ['a', 1.5],
      ['b', 3],
    ])
    upgraded.table(v2).set('c', 4)
    const next = upgraded.snapshot(3)
    assert.equal(next.full, false, 'the chain continues across the upgrade')
    const again = newStore(h, [v2])
    assert.deepEqual(again.restore([full.bytes, delta.bytes, next.bytes]), { ok: true }, 'mixed versions')
    assert.equal(again.table(v2).get('c'), 4)
    assert.equal(again.table(v2).get('a'), 1.5)
  })

  test('no migrate hook, a newer snapshot or a failing migrate is rejected with a reason', () => {
    const old = newStore(h, [v1])
    old.table(v1).set('a', '1')
    const v1Bytes = old.snapshot(1).bytes
    const noHook = newStore(h, [valueTable('totals', numberCodec, { version: 2 })])
    const r1 = noHook.restore([v1Bytes])
    assert.ok(!r1.ok && /no migrate hook/.test(r1.reason))
    const newer = newStore(h, [v2])
    newer.table(v2).set('a', 1)
    const v2Bytes = newer.snapshot(1).bytes
    const r2 = newStore(h, [v1]).restore([v2Bytes])
    assert.ok(!r2.ok && /newer/.test(r2.reason))
    const failing = valueTable('totals', numberCodec, {
      version: 2,
      migrate: () => {
        throw new Error('cannot convert')
      },
    })
    const r3 = newStore(h, [failing]).restore([v1Bytes])
    assert.ok(!r3.ok && /cannot convert/.test(r3.reason))
  })
}
