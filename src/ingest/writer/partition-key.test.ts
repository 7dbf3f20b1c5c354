import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fmix32Reference, fnv1aReference } from '../../core/testing/hash-reference.js'
import { PartitionCache, partitionOf } from './partition-key.js'

test('partitionOf is pinned: changing it would move stored services to other partitions', () => {
  // fmix32(FNV-1a 32 of "default\0checkout") etc., computed by the independent reference below.
  const pinned: [string, string, number][] = [
    ['default', 'checkout', partitionOf('default', 'checkout', 1024)],
    ['acme', 'payments', partitionOf('acme', 'payments', 1024)],
  ]
  assert.deepEqual(
    pinned.map(([t, s]) => partitionOf(t, s, 1024)),
    [
      fmix32Reference(fnv1aReference('default\u0000checkout')) % 1024,
      fmix32Reference(fnv1aReference('acme\u0000payments')) % 1024,
    ],
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

test('services spread evenly over a power-of-two partition count (not by the parity of their names)', () => {
  for (const partitions of [2, 4, 8]) {
    const counts = new Array<number>(partitions).fill(0)
    // Each name's code units sum to the same parity ("svc-" plus a doubled number), which plain
    // FNV-1a maps to the same low bit: it put every one of them on the same half of the partitions.
    const names = Array.from({ length: 2000 }, (_, i) => `svc-${i}${i}`)
    for (const name of names) counts[partitionOf('default', name, partitions)]!++
    const expected = names.length / partitions
    for (const n of counts)
      assert.ok(Math.abs(n - expected) < expected * 0.2, `${partitions}: ${counts.join(' ')}`)
  }
})
