import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fnv1a32, keyPartition } from './fnv1a.js'

test('FNV-1a 32 matches the reference vectors and joins parts with NUL', () => {
  // Reference values of FNV-1a 32 (http://www.isthe.com/chongo/tech/comp/fnv/): "" and "a", "foobar".
  assert.equal(fnv1a32(''), 0x811c9dc5)
  assert.equal(fnv1a32('a'), 0xe40c292c)
  assert.equal(fnv1a32('foobar'), 0xbf9cf968)
  assert.equal(fnv1a32('tenant', 'svc'), fnv1a32('tenant\u0000svc'))
  assert.notEqual(fnv1a32('ab', 'c'), fnv1a32('a', 'bc'))
})

test('keyPartition is stable and in range', () => {
  for (const key of ['', 'host-1', 'checkout\u0000GET /cart', 'ünïcode']) {
    const p = keyPartition(key, 7)
    assert.ok(Number.isInteger(p) && p >= 0 && p < 7)
    assert.equal(p, fnv1a32(key) % 7)
  }
})
