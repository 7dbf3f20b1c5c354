import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fnv1a32, keyPartition, partitionHash } from './fnv1a.js'
import { fmix32Reference } from './testing/hash-reference.js'

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
    assert.equal(p, partitionHash(key) % 7)
  }
})

test('partitionHash is FNV-1a 32 finished with fmix32 (murmur3 vectors: fmix32(0) = 0, fmix32(1) = 0x514e28b7)', () => {
  // fnv1a32('') is the offset basis, so the empty key checks the finisher on a known input.
  assert.equal(partitionHash(''), fmix32Reference(0x811c9dc5))
  assert.equal(fmix32Reference(0), 0)
  assert.equal(fmix32Reference(1), 0x514e28b7)
  assert.equal(partitionHash('tenant', 'svc'), fmix32Reference(fnv1a32('tenant', 'svc')))
})
