import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { DecodeFailure } from '../decode-result.js'
import type { RecordDecodeSuccess } from '../record-result.js'

interface RowsBatch {
  readonly resources: readonly unknown[]
  readonly rows: readonly { readonly resource: number; readonly traceId: string; readonly spanId: string }[]
}

type Decode = (body: Uint8Array, tenant: string) => RecordDecodeSuccess<RowsBatch> | DecodeFailure

const ID = /^([0-9a-f]{16}|[0-9a-f]{32})?$/

/** Whatever the bytes, a decoder returns a value: a failure with a reason, or a sound batch. */
export function assertSound(res: RecordDecodeSuccess<RowsBatch> | DecodeFailure): void {
  if (!res.ok) {
    assert.ok(res.reason.length > 0)
    return
  }
  assert.equal(res.rejects.length, res.rejected)
  assert.equal(res.batch.rows.length, res.accepted)
  for (const row of res.batch.rows) {
    assert.ok(row.resource >= 0 && row.resource < res.batch.resources.length)
    assert.match(row.traceId, ID)
    assert.match(row.spanId, ID)
  }
}

function flipBits(bytes: Uint8Array, positions: readonly number[]): Uint8Array {
  const out = bytes.slice()
  for (const p of positions) {
    const bit = p % (out.length * 8)
    out[bit >>> 3]! ^= 1 << (bit & 7)
  }
  return out
}

/**
 * Registers the fuzz tests of an OTLP logs or traces decoder: random bytes, every truncation and
 * random bit flips of a real SDK payload (protobuf), and truncated, corrupted or random JSON.
 * None may throw, and every success must be sound.
 */
export function fuzzRecordDecoder(
  payload: () => { readonly proto: Uint8Array; readonly json: Uint8Array },
  decodeProto: Decode,
  decodeJson: Decode,
): void {
  test('protobuf: random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => assertSound(decodeProto(bytes, 't'))),
      { numRuns: 2000 },
    )
  })

  test('protobuf: every truncation of a real payload fails cleanly or decodes soundly', () => {
    const real = payload().proto
    let failures = 0
    for (let n = 0; n < real.length; n++) {
      const res = decodeProto(real.subarray(0, n), 't')
      assertSound(res)
      if (!res.ok) failures++
    }
    assert.ok(failures > 0)
    assert.ok(decodeProto(real, 't').ok)
  })

  test('protobuf: bit flips in a real payload never throw', () => {
    const real = payload().proto
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (positions) =>
        assertSound(decodeProto(flipBits(real, positions), 't')),
      ),
      { numRuns: 3000 },
    )
  })

  test('JSON: truncations, corruptions and random JSON never throw', () => {
    const real = payload().json
    for (let n = 0; n < real.length; n += 7) assertSound(decodeJson(real.subarray(0, n), 't'))
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (positions) =>
        assertSound(decodeJson(flipBits(real, positions), 't')),
      ),
      { numRuns: 1000 },
    )
    fc.assert(
      fc.property(fc.json(), (text) => assertSound(decodeJson(new TextEncoder().encode(text), 't'))),
      { numRuns: 1000 },
    )
  })

  test('JSON: random values in place of real fields never throw', () => {
    const real = JSON.parse(new TextDecoder().decode(payload().json)) as unknown
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.jsonValue()), { minLength: 1, maxLength: 3 }), (edits) => {
        const copy = structuredClone(real)
        for (const [at, value] of edits) replaceNth(copy, at, value)
        assertSound(decodeJson(new TextEncoder().encode(JSON.stringify(copy)), 't'))
      }),
      { numRuns: 1000 },
    )
  })
}

/** Replaces the `n`-th (mod count) nested value of `root` with `value`. */
function replaceNth(root: unknown, n: number, value: unknown): void {
  const slots: [Record<string, unknown>, string][] = []
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return
    for (const [k, x] of Object.entries(v)) {
      slots.push([v as Record<string, unknown>, k])
      walk(x)
    }
  }
  walk(root)
  const slot = slots[n % Math.max(1, slots.length)]
  if (slot !== undefined) slot[0][slot[1]] = value
}
