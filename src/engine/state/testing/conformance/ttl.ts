import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newStore, recent } from './harness.js'
import type { StateBackendConformanceHarness } from './harness.js'

/** Time-keyed TTL, driven by the watermark only. */
export function ttlConformance(h: StateBackendConformanceHarness): void {
  test('expire drops entries older than watermark − ttl and returns how many', () => {
    const t = newStore(h).table(recent) // ttl 1000
    for (let ts = 0; ts < 10; ts++) t.set('a', ts * 100, ts)
    t.set('b', 50, 0)
    assert.equal(t.expire(1000), 0, 'nothing is older than 0')
    assert.equal(t.expire(1300), 3 + 1, 'a@0,100,200 and b@50 are older than 300')
    assert.deepEqual(
      t.range('a', 0, 10_000).map((e) => e.timeMs),
      [300, 400, 500, 600, 700, 800, 900],
    )
    assert.equal(t.has('b'), false, 'a key left empty is removed')
    assert.equal(t.expire(1300), 0, 'the same watermark again expires nothing')
    t.set('c', 100, 1)
    assert.equal(t.expire(1300), 1, 'an entry set behind the cutoff goes on the next expire')
    assert.equal(t.expire(1_000_000), 7)
    assert.equal(t.size, 0)
  })

  test('expired keys leave the next snapshot as deletions', () => {
    const store = newStore(h)
    const t = store.table(recent)
    for (let i = 0; i < 100; i++) t.set(`k${i}`, i < 10 ? 0 : 5000, i)
    const full = store.snapshot(1)
    assert.equal(t.expire(2000), 10)
    const delta = store.snapshot(2)
    assert.equal(delta.full, false)
    const other = newStore(h)
    assert.deepEqual(other.restore([full.bytes, delta.bytes]), { ok: true })
    assert.equal(other.table(recent).size, 90)
    assert.equal(other.table(recent).has('k0'), false)
    assert.equal(other.table(recent).expire(2000), 0, 'the restored table knows its oldest entry')
    assert.equal(other.table(recent).expire(7000), 90)
  })
}
