import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { decodeDeadLetterRecord, encodeDeadLetterRecord } from './dead-letter-record.js'

test('dead-letter records round-trip', () => {
  fc.assert(
    fc.property(
      fc.record({
        tenant: fc.string(),
        signal: fc.string(),
        format: fc.string(),
        reason: fc.string(),
        detail: fc.string({ unit: 'grapheme' }),
        records: fc.nat({ max: 0xffffffff }),
        receivedAtMs: fc.double({ noNaN: true }),
        payload: fc.uint8Array({ maxLength: 200 }),
      }),
      (r) => {
        const back = decodeDeadLetterRecord(encodeDeadLetterRecord(r))
        assert.ok(back.ok)
        assert.deepEqual(back.record, { ...r })
      },
    ),
  )
})

test('garbage and truncations never throw', () => {
  const good = encodeDeadLetterRecord({
    tenant: 't',
    signal: 'metrics',
    format: 'x',
    reason: 'r',
    detail: 'd',
    records: 1,
    receivedAtMs: 1,
    payload: new Uint8Array([1, 2, 3]),
  })
  for (let n = 0; n < good.length; n++) assert.equal(decodeDeadLetterRecord(good.subarray(0, n)).ok, false)
  fc.assert(fc.property(fc.uint8Array(), (bytes) => void decodeDeadLetterRecord(bytes)))
})
