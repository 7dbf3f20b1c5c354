import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeStateRecords, snapshotsToRestore } from './state-record.js'

const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

function records(
  epoch: number,
  full: boolean,
  data: Uint8Array,
  chunk: number,
): { key: string; value: Uint8Array }[] {
  return encodeStateRecords({ epoch, full, bytes: data }, 4, chunk)
}

test('a snapshot larger than a chunk is split into records and reassembled, deltas in epoch order', () => {
  const full = bytes(25, 1)
  const d1 = bytes(7, 2)
  const d2 = bytes(12, 3)
  const all = [...records(5, true, full, 10), ...records(6, false, d1, 10), ...records(7, false, d2, 10)]
  assert.deepEqual(
    all.map((r) => r.key),
    ['full', 'full#1', 'full#2', 'delta-2', 'delta-3', 'delta-3#1'],
  )
  const restored = snapshotsToRestore(all)
  assert.ok(!('error' in restored))
  assert.deepEqual(
    restored.map((r) => [r.epoch, r.full, Buffer.from(r.bytes).toString('hex')]),
    [
      [5, true, Buffer.from(full).toString('hex')],
      [6, false, Buffer.from(d1).toString('hex')],
      [7, false, Buffer.from(d2).toString('hex')],
    ],
  )
})

test('a snapshot given in parts is chunked as the parts joined, whatever the boundaries', () => {
  const parts = [bytes(3, 7), bytes(0, 8), bytes(14, 9), bytes(1, 10), bytes(9, 11)]
  const joined = Buffer.concat(parts)
  for (const chunk of [1, 4, 10, 27, 100]) {
    const fromParts = encodeStateRecords({ epoch: 2, full: true, bytes: parts }, 4, chunk)
    const fromWhole = records(2, true, joined, chunk)
    assert.deepEqual(
      fromParts.map((r) => [r.key, Buffer.from(r.value).toString('hex')]),
      fromWhole.map((r) => [r.key, Buffer.from(r.value).toString('hex')]),
      `chunks of ${chunk}`,
    )
    const restored = snapshotsToRestore(fromParts)
    assert.ok(!('error' in restored))
    assert.deepEqual([...restored[0]!.bytes], [...joined])
  }
  const empty = encodeStateRecords({ epoch: 3, full: false, bytes: [] }, 4, 10)
  assert.equal(empty.length, 1)
  assert.equal(empty[0]!.value.length, 18)
})

test('chunks left behind by an older, larger snapshot under the same key are ignored', () => {
  const older = records(1, true, bytes(35, 4), 10) // full, full#1, full#2, full#3
  const newer = records(9, true, bytes(15, 5), 10) // full, full#1
  const restored = snapshotsToRestore([...older, ...newer])
  assert.ok(!('error' in restored))
  assert.equal(restored.length, 1)
  assert.equal(restored[0]!.epoch, 9)
  assert.deepEqual([...restored[0]!.bytes], [...bytes(15, 5)])
})

test('a missing chunk is an error that names it, never a silently short snapshot', () => {
  const rs = records(3, true, bytes(30, 6), 10).filter((r) => r.key !== 'full#1')
  const restored = snapshotsToRestore(rs)
  assert.ok('error' in restored)
  assert.match(restored.error, /misses chunk 1 of 3/)
})

test('version 1 records (one per snapshot) are still read', () => {
  const v1 = Buffer.alloc(10 + 3)
  v1.writeUInt8(1, 0)
  v1.writeUInt8(1, 1)
  v1.writeDoubleLE(4, 2)
  v1.set([7, 8, 9], 10)
  const restored = snapshotsToRestore([{ key: 'full', value: v1 }])
  assert.ok(!('error' in restored))
  assert.deepEqual(
    restored.map((r) => [r.epoch, [...r.bytes]]),
    [[4, [7, 8, 9]]],
  )
})
