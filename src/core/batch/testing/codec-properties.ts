import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { Arbitrary } from 'fast-check'
import type { DecodeBatchResult } from '../metric-batch-codec.js'

export interface Codec<B> {
  readonly encode: (batch: B) => Uint8Array
  readonly decode: (bytes: Uint8Array) => DecodeBatchResult<B>
}

/** decode(encode(b)) deep-equals b, at any byte offset of the record buffer. */
export function assertRoundTrip<B>(codec: Codec<B>, batches: Arbitrary<B>): void {
  fc.assert(
    fc.property(batches, fc.integer({ min: 0, max: 7 }), (batch, shift) => {
      const encoded = codec.encode(batch)
      const shifted = new Uint8Array(encoded.length + shift)
      shifted.set(encoded, shift)
      const res = codec.decode(shifted.subarray(shift))
      assert.ok(res.ok, res.ok ? '' : res.reason)
      assert.deepEqual(res.batch, batch)
    }),
    { numRuns: 300 },
  )
}

/**
 * Garbage never throws: random bytes, every truncation, bit flips and random bytes after a valid
 * header all decode to `{ ok: false, reason }` or to some batch, never an exception.
 */
export function assertNeverThrows<B>(codec: Codec<B>, batches: Arbitrary<B>): void {
  const sound = (res: DecodeBatchResult<B>): void => {
    if (!res.ok) assert.ok(res.reason.length > 0)
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => sound(codec.decode(bytes))),
    {
      numRuns: 2000,
    },
  )
  fc.assert(
    fc.property(batches, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (batch, flips) => {
      const encoded = codec.encode(batch)
      for (let n = 0; n < encoded.length; n++) {
        const res = codec.decode(encoded.subarray(0, n))
        assert.ok(!res.ok, `a ${n}-byte prefix of ${encoded.length} bytes decoded`)
      }
      const flipped = Uint8Array.from(encoded)
      for (const p of flips) {
        const bit = p % (flipped.length * 8)
        flipped[bit >>> 3]! ^= 1 << (bit & 7)
      }
      sound(codec.decode(flipped))
      const tail = Uint8Array.from([...encoded.subarray(0, 2), ...flips.map((f) => f & 0xff)])
      sound(codec.decode(tail))
    }),
    { numRuns: 200 },
  )
}
