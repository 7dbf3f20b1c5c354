import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import fc from 'fast-check'
import { decodeOtlpMetricsProto } from './decode-metrics.js'
import type { DecodeResult } from './decode-result.js'
import { assertConsistent } from './testing/batch-rows.js'
import { recordSdkMetrics } from './testing/sdk-payloads.js'

/** Whatever the bytes, the decoder returns a value: a failure with a reason, or a sound batch. */
function assertSound(res: DecodeResult): void {
  if (!res.ok) {
    assert.ok(res.reason.length > 0)
    return
  }
  assertConsistent(res.batch)
  assert.equal(res.rejects.length, res.rejected)
}

let real: Uint8Array = new Uint8Array(0)
before(async () => {
  real = (await recordSdkMetrics()).proto
})

test('random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) =>
      assertSound(decodeOtlpMetricsProto(bytes, 't')),
    ),
    { numRuns: 2000 },
  )
})

test('every truncation of a real payload fails cleanly or decodes soundly', () => {
  let failures = 0
  for (let n = 0; n < real.length; n++) {
    const res = decodeOtlpMetricsProto(real.subarray(0, n), 't')
    assertSound(res)
    if (!res.ok) failures++
  }
  assert.ok(failures > 0)
  assert.ok(decodeOtlpMetricsProto(real, 't').ok)
})

test('bit flips in a real payload never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (positions) => {
      const bytes = real.slice()
      for (const p of positions) {
        const bit = p % (bytes.length * 8)
        bytes[bit >>> 3]! ^= 1 << (bit & 7)
      }
      assertSound(decodeOtlpMetricsProto(bytes, 't'))
    }),
    { numRuns: 3000 },
  )
})

test('random splices of real payload pieces never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 64 })), { maxLength: 8 }), (pieces) => {
      const parts = pieces.map(([at, n]) => real.subarray(at % real.length, (at % real.length) + n))
      const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
      let at = 0
      for (const p of parts) {
        bytes.set(p, at)
        at += p.length
      }
      assertSound(decodeOtlpMetricsProto(bytes, 't'))
    }),
    { numRuns: 2000 },
  )
})
