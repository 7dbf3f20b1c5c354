import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { BinaryReader, BinaryWriter } from '../../core/batch/binary.js'
import { BucketStore } from './bucket-store.js'

/** The documented result: each index i lands in bucket max(i, highest − maxBuckets + 1). */
function reference(indexes: readonly number[], maxBuckets: number): Array<[number, number]> {
  const floor = Math.max(...indexes) - maxBuckets + 1
  const counts = new Map<number, number>()
  for (const i of indexes) {
    const at = Math.max(i, floor)
    counts.set(at, (counts.get(at) ?? 0) + 1)
  }
  return [...counts.entries()].sort(([a], [b]) => a - b)
}

const indexes = fc.oneof(
  fc.array(fc.integer({ min: -400, max: 400 }), { minLength: 1, maxLength: 200 }),
  fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: 1, maxLength: 50 }),
)
const widths = fc.constantFrom(8, 16, 100, 2048)

test('any order of adds and merges gives the reference buckets, never wider than maxBuckets', () => {
  fc.assert(
    fc.property(indexes, widths, fc.array(fc.nat(), { maxLength: 4 }), (all, maxBuckets, cuts) => {
      const bounds = [...new Set(cuts.map((c) => c % (all.length + 1))), all.length].sort((a, b) => a - b)
      const merged = new BucketStore(maxBuckets)
      let from = 0
      for (const to of bounds) {
        const part = new BucketStore(maxBuckets)
        for (const i of all.slice(from, to)) part.add(i)
        merged.mergeFrom(part)
        from = to
      }
      const expected = reference(all, maxBuckets)
      assert.deepEqual(merged.entries(), expected)
      assert.equal(merged.total, all.length)
      assert.ok(merged.maxIndex - merged.minIndex + 1 <= maxBuckets)
      let rank = 0
      for (const [index, count] of expected) {
        assert.equal(merged.indexAtRank(rank), index)
        assert.equal(merged.indexAtRank(rank + count - 1), index)
        rank += count
      }
    }),
  )
})

test('writeTo / readFrom round-trip and clone is independent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -400, max: 400 }), { maxLength: 100 }),
      widths,
      (all, maxBuckets) => {
        const store = new BucketStore(maxBuckets)
        for (const i of all) store.add(i)
        const w = new BinaryWriter()
        store.writeTo(w)
        const back = BucketStore.readFrom(new BinaryReader(w.finish()), maxBuckets, 1000)
        assert.deepEqual(back.entries(), store.entries())
        const copy = store.clone()
        copy.add(0, 5)
        assert.equal(store.total, all.length)
      },
    ),
  )
})

test('readFrom refuses a store wider than maxBuckets or beyond the index limit', () => {
  const store = new BucketStore(64)
  store.add(0)
  store.add(40)
  const w = new BinaryWriter()
  store.writeTo(w)
  const bytes = w.finish()
  assert.throws(() => BucketStore.readFrom(new BinaryReader(bytes), 16, 1000), /exceeds 16/)
  assert.throws(() => BucketStore.readFrom(new BinaryReader(bytes), 64, 20), /outside/)
})
