import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  BATCH_HEADER_BYTES,
  CHECK_CORRUPT,
  CHECK_OK,
  CHECK_TRUNCATED,
  checkBatch,
  decodeRecords,
  encodeBatch,
  encodeControlBatch,
  readControlType,
  readLastOffset,
  CONTROL_COMMIT,
} from './batch-format.js'
import type { LogRecord, ReadRecord } from '../log.js'

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null })
const record = fc.record({
  key: bytes,
  value: bytes,
  timestampMs: fc.double({ noNaN: true, noDefaultInfinity: true }),
})
const header = (baseOffset: number) => ({
  baseOffset,
  attributes: 0,
  producerId: 7,
  producerEpoch: 1,
  baseSequence: 3,
})

test('decode(encode(records)) gives the records back with consecutive offsets', () => {
  fc.assert(
    fc.property(
      fc.array(record, { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 0, max: 2 ** 52 }),
      (records, base) => {
        const buf = encodeBatch(header(base), records)
        assert.equal(checkBatch(buf, 0, buf.length, base, 1 << 20), CHECK_OK)
        assert.equal(readLastOffset(buf, 0), base + records.length - 1)
        const out: ReadRecord[] = []
        decodeRecords(buf, 0, 0, Number.MAX_SAFE_INTEGER, out)
        assert.equal(out.length, records.length)
        out.forEach((r, i) => {
          const want = records[i] as LogRecord
          assert.equal(r.offset, base + i)
          assert.ok(Object.is(r.timestampMs, want.timestampMs))
          assert.deepEqual(r.key === null ? null : [...r.key], want.key === null ? null : [...want.key])
          assert.deepEqual(
            r.value === null ? null : [...r.value],
            want.value === null ? null : [...want.value],
          )
        })
      },
    ),
  )
})

test('any single flipped bit is detected; any cut is reported as truncated', () => {
  fc.assert(
    fc.property(
      fc.array(record, { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      (records, at, bit) => {
        const buf = encodeBatch(header(100), records)
        const flipped = Buffer.from(buf)
        const pos = at % buf.length
        flipped[pos] = flipped[pos]! ^ (1 << bit)
        assert.notEqual(checkBatch(flipped, 0, flipped.length, 100, 1 << 20), CHECK_OK)
        const cut = at % buf.length
        assert.equal(checkBatch(buf, 0, cut, 100, 1 << 20), CHECK_TRUNCATED)
      },
    ),
  )
})

test('a batch at the wrong offset or with an absurd length is corrupt', () => {
  const buf = encodeBatch(header(5), [{ key: null, value: Buffer.from('x'), timestampMs: 1 }])
  assert.equal(checkBatch(buf, 0, buf.length, 6, 1 << 20), CHECK_CORRUPT)
  const huge = Buffer.from(buf)
  huge.writeUInt32LE(1 << 30, 12)
  assert.equal(checkBatch(huge, 0, huge.length, 5, 1 << 20), CHECK_CORRUPT)
  assert.equal(checkBatch(buf, 0, BATCH_HEADER_BYTES - 1, 5, 1 << 20), CHECK_TRUNCATED)
})

test('sparse offsets of a compacted batch are kept', () => {
  const recs = ['a', 'b', 'c'].map((v) => ({ key: Buffer.from(v), value: Buffer.from(v), timestampMs: 1 }))
  const buf = encodeBatch(header(10), recs, [0, 4, 9], 12)
  const out: ReadRecord[] = []
  decodeRecords(buf, 0, 14, 100, out)
  assert.deepEqual(
    out.map((r) => r.offset),
    [14, 19],
  )
  assert.equal(readLastOffset(buf, 0), 22)
})

test('control batches carry their marker type', () => {
  const buf = encodeControlBatch(42, 9, 2, CONTROL_COMMIT, 123)
  assert.equal(checkBatch(buf, 0, buf.length, 42, 1 << 20), CHECK_OK)
  assert.equal(readControlType(buf, 0), CONTROL_COMMIT)
})
