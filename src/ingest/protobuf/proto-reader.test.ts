import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js'
import { varintBytes } from './testing/proto-writer.js'

const varint = varintBytes

test('varints round-trip across the 64-bit range (exact below 2^53)', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }), (n) => {
      const r = new ProtoReader(Uint8Array.from(varint(n)))
      assert.equal(r.uint64(), Number(n))
      assert.equal(r.error, undefined)
    }),
  )
  assert.equal(new ProtoReader(Uint8Array.from(varint(-5n))).int64(), -5)
  assert.equal(new ProtoReader(Uint8Array.from(varint(300n))).uint32(), 300)
})

test('fields, strings, fixed64 and doubles decode; skip moves past unknown fields', () => {
  const bytes = Uint8Array.from([
    ...varint(BigInt((1 << 3) | WIRE_LEN)),
    3,
    0x61,
    0x62,
    0x63,
    ...varint(BigInt((2 << 3) | WIRE_I64)),
    ...new Uint8Array(new Float64Array([1.5]).buffer),
    ...varint(BigInt((3 << 3) | WIRE_VARINT)),
    ...varint(7n),
  ])
  const r = new ProtoReader(bytes)
  assert.equal(r.tag(), (1 << 3) | WIRE_LEN)
  assert.equal(r.string(), 'abc')
  assert.equal(r.tag(), (2 << 3) | WIRE_I64)
  assert.equal(r.double(), 1.5)
  const t = r.tag()
  r.skip(t)
  assert.equal(r.more, false)
  assert.equal(r.error, undefined)
})

test('garbage never throws: it sets error and stops', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const r = new ProtoReader(bytes)
      let guard = 0
      while (r.more && guard++ < 1000) {
        const t = r.tag()
        r.skip(t)
      }
      assert.ok(guard < 1000, 'always makes progress')
    }),
  )
  const r = new ProtoReader(Uint8Array.from([(1 << 3) | WIRE_LEN, 50, 1, 2]))
  r.tag()
  r.bytes()
  assert.match(r.error ?? '', /runs past the end/)
})
