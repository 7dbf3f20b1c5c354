import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32 } from 'node:zlib'
import { SNAPSHOT_FORMAT_VERSION, readSnapshot, writeSnapshot } from './snapshot-format.js'

const sections = [
  {
    name: 'counts',
    kind: 'value' as const,
    version: 3,
    write: (sink: { put(k: string, p: Uint8Array): void; delete(k: string): void }) => {
      sink.put('a', new Uint8Array([1, 2]))
      sink.delete('gone')
      sink.put('ü', new Uint8Array())
    },
  },
  { name: 'empty', kind: 'timeKeyed' as const, version: 0, write: () => {} },
]

test('the header says version, CRC, length, kind, epoch and base epoch', () => {
  const bytes = Buffer.from(writeSnapshot({ full: false, epoch: 7, baseEpoch: 6 }, sections))
  assert.equal(bytes.readUInt8(0), SNAPSHOT_FORMAT_VERSION)
  assert.equal(bytes.readUInt32LE(4), crc32(bytes.subarray(8)))
  assert.equal(bytes.readUInt32LE(8), bytes.length)
  assert.equal(bytes.readUInt8(12), 2)
  assert.equal(bytes.readDoubleLE(16), 7)
  assert.equal(bytes.readDoubleLE(24), 6)
})

test('readSnapshot gives back the tables and records written, deletions as undefined', () => {
  const r = readSnapshot(writeSnapshot({ full: true, epoch: 1, baseEpoch: 99 }, sections))
  assert.ok(r.ok)
  assert.equal(r.snapshot.full, true)
  assert.equal(r.snapshot.baseEpoch, -1, 'a full snapshot follows nothing')
  const [counts, empty] = r.snapshot.tables
  assert.deepEqual(
    { name: counts!.name, kind: counts!.kind, version: counts!.version, keys: counts!.keys },
    { name: 'counts', kind: 'value', version: 3, keys: ['a', 'gone', 'ü'] },
  )
  assert.deepEqual(
    counts!.payloads.map((p) => (p === undefined ? undefined : [...p])),
    [[1, 2], undefined, []],
  )
  assert.deepEqual(
    { name: empty!.name, kind: empty!.kind, keys: empty!.keys },
    { name: 'empty', kind: 'timeKeyed', keys: [] },
  )
})
