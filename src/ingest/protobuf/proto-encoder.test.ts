import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import protobuf from 'protobufjs'
import { ProtoEncoder } from './proto-encoder.js'
import { ProtoReader } from './proto-reader.js'

/** Every wire shape the encoder writes, decoded by protobufjs (code nobody here wrote). */
const root = protobuf.parse(`
syntax = "proto3";
message All {
  uint64 u = 1;
  int64 i = 2;
  double d = 3;
  fixed64 f64 = 4;
  fixed32 f32 = 5;
  string s = 6;
  bytes b = 7;
  repeated double ds = 8;
  repeated fixed64 fs = 9;
  bool flag = 10;
  repeated All children = 11;
  uint64 big_field_number = 300;
}
`).root
const All = root.lookupType('All')

interface Decoded {
  u?: number
  i?: number
  d?: number
  f64?: number
  f32?: number
  s?: string
  b?: Uint8Array
  ds?: number[]
  fs?: number[]
  flag?: boolean
  children?: Decoded[]
  bigFieldNumber?: number
}

function decode(bytes: Uint8Array): Decoded {
  return All.toObject(All.decode(bytes), { longs: Number }) as Decoded
}

test('scalar fields decode with protobufjs', () => {
  const w = new ProtoEncoder(16)
  w.varint(1, 2 ** 53 - 1)
  w.int64(2, -1_234_567_890_123)
  w.double(3, -0.125)
  w.fixed64(4, 1_700_000_000_000_123)
  w.fixed32(5, 4_000_000_000)
  w.string(6, 'héllo wörld ✓')
  w.bytes(7, Uint8Array.from([0, 1, 2, 255]))
  w.bool(10, true)
  w.varint(300, 7)
  const out = decode(w.finish())
  assert.equal(out.u, 2 ** 53 - 1)
  assert.equal(out.i, -1_234_567_890_123)
  assert.equal(out.d, -0.125)
  assert.equal(out.f64, 1_700_000_000_000_123)
  assert.equal(out.f32, 4_000_000_000)
  assert.equal(out.s, 'héllo wörld ✓')
  assert.deepEqual([...(out.b ?? [])], [0, 1, 2, 255])
  assert.equal(out.flag, true)
  assert.equal(out.bigFieldNumber, 7)
})

test('packed repeated fields and nested submessages of every length size', () => {
  const w = new ProtoEncoder(16)
  w.packedDoubles(8, [1.5, Number.POSITIVE_INFINITY, -3])
  w.packedFixed64(9, Float64Array.from([0, 1, 2 ** 40]))
  for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]) {
    w.fork(11)
    w.string(6, 'x'.repeat(size))
    w.fork(11) // nested, so an inner backpatch moves inside an outer one
    w.varint(1, size)
    w.join()
    w.join()
  }
  const out = decode(w.finish())
  assert.deepEqual(out.ds, [1.5, Number.POSITIVE_INFINITY, -3])
  assert.deepEqual(out.fs, [0, 1, 2 ** 40])
  const kids = out.children ?? []
  assert.deepEqual(
    kids.map((k) => [k.s?.length ?? 0, k.children?.[0]?.u ?? 0]),
    [0, 1, 127, 128, 300, 16_383, 16_384, 70_000].map((n) => [n, n]),
  )
})

test('random messages round-trip through protobufjs', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          u: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          i: fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          d: fc.double({ noNaN: true }),
          s: fc.string({ unit: 'grapheme', maxLength: 80 }),
        }),
        { maxLength: 20 },
      ),
      (kids) => {
        const w = new ProtoEncoder(16)
        for (const k of kids) {
          w.fork(11)
          if (k.u !== 0) w.varint(1, k.u)
          if (k.i !== 0) w.int64(2, k.i)
          if (!Object.is(k.d, 0)) w.double(3, k.d)
          if (k.s !== '') w.string(6, k.s)
          w.join()
        }
        const out = decode(w.finish()).children ?? []
        assert.equal(out.length, kids.length)
        kids.forEach((k, n) => {
          const got = out[n]!
          assert.equal(got.u ?? 0, k.u)
          assert.equal(got.i ?? 0, k.i)
          assert.ok(Object.is(got.d ?? 0, k.d))
          assert.equal(got.s ?? '', k.s)
        })
      },
    ),
  )
})

test('fixed64TimeNs is exact where ms × 1e6 in doubles is not', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_102_444_800_000 }), // up to year 2100
      fc.integer({ min: 0, max: 999_999 }),
      (ms, extra) => {
        const w = new ProtoEncoder(16)
        w.fixed64TimeNs(4, ms, extra)
        const view = Buffer.from(w.finish())
        const got = view.readBigUInt64LE(1)
        assert.equal(got, BigInt(ms) * 1_000_000n + BigInt(extra))
      },
    ),
  )
})

test('the reader reads what the encoder writes; reset reuses the buffer', () => {
  const w = new ProtoEncoder()
  w.string(1, 'a')
  w.reset()
  w.fork(2)
  w.double(1, 2.5)
  w.join()
  const r = new ProtoReader(w.finish())
  assert.equal(r.tag(), (2 << 3) | 2)
  const end = r.lengthDelimited()
  assert.equal(r.tag(), (1 << 3) | 1)
  assert.equal(r.double(), 2.5)
  assert.equal(r.pos, end)
  assert.throws(() => new ProtoEncoder().join(), /without fork/)
})
