import assert from 'node:assert/strict'
import { test } from 'node:test'
import { counts, dump, labels, newStore, recent } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'
import type { StateStore } from '../../state-backend.js'

function fill(store: StateStore, n: number): void {
  for (let i = 0; i < n; i++) {
    store.table(counts).set(`series-${i}`, i)
    if (i % 10 === 0) store.table(labels).set(`svc-${i}`, 'env', `e${i}`)
    if (i % 10 === 0) store.table(recent).set(`span-${i}`, i, i / 2)
  }
}

/** Full and incremental snapshots, the restore chain, and the full-snapshot policy. */
export function snapshotConformance(h: StateBackendConformanceHarness): void {
  test('a full snapshot restores every table exactly', () => {
    const store = newStore(h)
    fill(store, 500)
    store.table(labels).set('svc-0', 'region', 'eu')
    const snap = store.snapshot(1)
    assert.equal(snap.full, true, 'the first snapshot is full')
    assert.equal(snap.epoch, 1)
    const other = newStore(h)
    assert.deepEqual(other.restore([snap.bytes]), { ok: true })
    assert.deepEqual(dump(other), dump(store))
  })

  test('a delta carries only changed and deleted keys, so it is much smaller than a full one', () => {
    const store = newStore(h)
    fill(store, 10_000)
    const full = store.snapshot(1)
    for (let i = 0; i < 100; i++) store.table(counts).set(`series-${i * 7}`, -i)
    store.table(counts).delete('series-1')
    store.table(labels).delete('svc-10')
    const delta = store.snapshot(2)
    assert.equal(delta.full, false)
    assert.ok(
      delta.bytes.length * 50 < full.bytes.length,
      `delta ${delta.bytes.length} B vs full ${full.bytes.length} B`,
    )
    const empty = store.snapshot(3)
    assert.equal(empty.full, false)
    assert.ok(empty.bytes.length < 100, 'nothing changed: a delta of a few header bytes')
    const other = newStore(h)
    assert.deepEqual(other.restore([full.bytes, delta.bytes, empty.bytes]), { ok: true })
    assert.deepEqual(dump(other), dump(store))
  })

  test('a full snapshot comes every fullEvery epochs, and early when more than half the keys changed', () => {
    const store = newStore(h, undefined, 4)
    assert.equal(store.fullEvery, 4)
    fill(store, 100)
    const kinds: boolean[] = []
    for (let e = 1; e <= 9; e++) {
      store.table(counts).set(`series-${e}`, e)
      kinds.push(store.snapshot(e).full)
    }
    assert.deepEqual(kinds, [true, false, false, false, true, false, false, false, true])
    for (let i = 0; i < 100; i++) store.table(counts).set(`series-${i}`, 0)
    assert.equal(store.snapshot(10).full, true, '100 of 120 keys changed')
    assert.equal(store.snapshot(11).full, false)
  })

  test('restore takes the newest full snapshot and the deltas after it', () => {
    const store = newStore(h, undefined, 3)
    const snaps: Uint8Array[] = []
    for (let e = 1; e <= 7; e++) {
      store.table(counts).set(`k${e}`, e)
      snaps.push(store.snapshot(e).bytes)
    }
    const other = newStore(h, undefined, 3)
    assert.deepEqual(other.restore(snaps), { ok: true })
    assert.deepEqual(dump(other), dump(store))
    const fromTail = newStore(h, undefined, 3)
    assert.deepEqual(fromTail.restore(snaps.slice(6)), { ok: true }, 'epoch 7 is full')
    assert.deepEqual(dump(fromTail), dump(store))
  })

  test('the restored store continues the chain: its next snapshots are deltas on what it restored', () => {
    const store = newStore(h)
    fill(store, 100)
    const s1 = store.snapshot(1)
    const other = newStore(h)
    assert.deepEqual(other.restore([s1.bytes]), { ok: true })
    assert.throws(() => other.snapshot(1), { name: 'StateUsageError' }, 'epochs only go forward')
    other.table(counts).set('new', 1)
    const s2 = other.snapshot(2)
    assert.equal(s2.full, false)
    const third = newStore(h)
    assert.deepEqual(third.restore([s1.bytes, s2.bytes]), { ok: true })
    assert.deepEqual(dump(third), dump(other))
  })

  test('a missing or reordered delta, or no full snapshot, is rejected and the state stays', () => {
    const store = newStore(h)
    const snaps: Uint8Array[] = []
    for (let e = 1; e <= 4; e++) {
      store.table(counts).set(`k${e}`, e)
      snaps.push(store.snapshot(e).bytes)
    }
    const [s1, s2, s3, s4] = snaps as [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
    const other = newStore(h)
    other.table(counts).set('mine', 1)
    for (const chain of [
      [s1, s2, s4],
      [s1, s3, s2, s4],
      [s2, s3],
    ]) {
      const r = other.restore(chain)
      assert.equal(r.ok, false)
      assert.ok(!r.ok && r.reason.length > 0)
      assert.deepEqual(
        [...other.table(counts).entries()],
        [['mine', 1]],
        'a rejected restore changes nothing',
      )
    }
  })

  test('restoring nothing gives fresh, empty state whose next snapshot is full', () => {
    const store = newStore(h)
    fill(store, 10)
    store.snapshot(5)
    assert.deepEqual(store.restore([]), { ok: true })
    assert.equal(store.table(counts).size, 0)
    store.table(counts).set('a', 1)
    assert.equal(store.snapshot(1).full, true)
  })
}
