import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { counts, dump, labels, newStore, recent } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'
import type { StateStore } from '../../state-backend.js'

function small(h: StateBackendConformanceHarness): { store: StateStore; bytes: Uint8Array } {
  const store = newStore(h)
  store.table(counts).set('a', 1)
  store.table(labels).set('b', 'f', 'v')
  store.table(recent).set('c', 5, 6)
  return { store, bytes: store.snapshot(1).bytes }
}

function assertRejected(store: StateStore, snapshots: Uint8Array[], pattern?: RegExp): void {
  const before = dump(store)
  const r = store.restore(snapshots)
  assert.equal(r.ok, false, 'rejected')
  if (!r.ok && pattern !== undefined) assert.match(r.reason, pattern)
  assert.deepEqual(dump(store), before, 'a rejected restore leaves the state as it was')
}

/** Torn, flipped and garbage snapshots are rejected as values, never thrown, never half-applied. */
export function corruptionConformance(h: StateBackendConformanceHarness): void {
  test('a snapshot torn at any length is rejected', () => {
    const { bytes } = small(h)
    const target = newStore(h)
    target.table(counts).set('keep', 1)
    for (let n = 0; n < bytes.length; n++) assertRejected(target, [bytes.subarray(0, n)])
    assertRejected(target, [bytes.subarray(0, bytes.length - 1)], /torn/)
  })

  test('any flipped bit is rejected (CRC, length, version or reserved bytes)', () => {
    const { bytes } = small(h)
    const target = newStore(h)
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Uint8Array.prototype.slice.call(bytes)
        bad[i]! ^= bit
        assertRejected(target, [bad])
      }
    }
    const crc = Uint8Array.prototype.slice.call(bytes)
    crc[bytes.length - 1]! ^= 1
    assertRejected(target, [crc], /CRC/)
    const version = Uint8Array.prototype.slice.call(bytes)
    version[0] = 99
    assertRejected(target, [version], /version 99/)
  })

  test('random garbage never throws and is rejected', () => {
    const target = newStore(h)
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 3 }), (junk) => {
        assertRejected(target, junk)
      }),
    )
  })

  test('a delta whose bytes are corrupt fails the whole restore', () => {
    const { store, bytes } = small(h)
    store.table(counts).set('z', 9)
    const delta = Uint8Array.prototype.slice.call(store.snapshot(2).bytes)
    delta[delta.length - 2]! ^= 0xff
    assertRejected(newStore(h), [bytes, delta], /snapshot 1 of 2/)
  })

  test('a table whose kind changed is rejected', () => {
    const { bytes } = small(h)
    const renamed = newStore(h, [{ ...labels, name: 'counts' }])
    const r = renamed.restore([bytes])
    assert.ok(!r.ok && /kind/.test(r.reason), 'a value table cannot come back as a map table')
  })
}
