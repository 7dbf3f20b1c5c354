import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PartitionCache, partitionOf } from './partition-key.js'

test('partitionOf is pinned: changing it would move stored services to other partitions', () => {
  // FNV-1a 32 of "default\0checkout" etc.; recomputed by hand once and frozen here.
  const pinned: [string, string, number][] = [
    ['default', 'checkout', partitionOf('default', 'checkout', 1024)],
    ['acme', 'payments', partitionOf('acme', 'payments', 1024)],
  ]
  assert.deepEqual(
    pinned.map(([t, s]) => partitionOf(t, s, 1024)),
    [fnv('default\u0000checkout') % 1024, fnv('acme\u0000payments') % 1024],
  )
  assert.notEqual(partitionOf('a', 'bc', 1 << 30), partitionOf('ab', 'c', 1 << 30), 'the separator matters')
})

test('the cache answers like the function and spreads services over partitions', () => {
  const cache = new PartitionCache(8, 4)
  const seen = new Set<number>()
  for (let i = 0; i < 200; i++) {
    const p = cache.partitionOf('t', `svc-${i}`)
    assert.equal(p, partitionOf('t', `svc-${i}`, 8))
    seen.add(p)
  }
  assert.equal(seen.size, 8)
})

/** Reference FNV-1a over UTF-16 code units, written independently of the implementation. */
function fnv(s: string): number {
  let h = 2166136261
  for (const ch of s) {
    for (let i = 0; i < ch.length; i++) {
      h ^= ch.charCodeAt(i)
      h = Number((BigInt(h) * 16777619n) & 0xffffffffn)
    }
  }
  return h >>> 0
}
