import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import fc from 'fast-check'
import { decodeOtlpMetricsJson } from './decode-metrics-json.js'
import type { DecodeResult } from './decode-result.js'
import { assertConsistent } from './testing/batch-rows.js'
import { recordSdkMetrics } from './testing/sdk-payloads.js'

function assertSound(res: DecodeResult): void {
  if (!res.ok) {
    assert.ok(res.reason.length > 0)
    return
  }
  assertConsistent(res.batch)
  assert.equal(res.rejects.length, res.rejected)
}

let realText = ''
before(async () => {
  realText = new TextDecoder().decode((await recordSdkMetrics()).json)
})

test('arbitrary JSON values and random text never throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => assertSound(decodeOtlpMetricsJson(JSON.stringify(v) ?? 'null', 't'))),
    { numRuns: 1000 },
  )
  fc.assert(
    fc.property(fc.string(), (s) => assertSound(decodeOtlpMetricsJson(s, 't'))),
    { numRuns: 500 },
  )
})

test('every truncation of a real JSON payload fails cleanly', () => {
  for (let n = 0; n < realText.length; n++) assertSound(decodeOtlpMetricsJson(realText.slice(0, n), 't'))
})

/** Every path to a value inside `v`. */
function paths(
  v: unknown,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at)
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out))
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out)
  return out
}

test('replacing any part of a real payload with an arbitrary value never throws', () => {
  const real: unknown = JSON.parse(realText)
  const all = paths(real).filter((p) => p.length > 0)
  fc.assert(
    fc.property(fc.nat(), fc.jsonValue(), (i, replacement) => {
      const copy: unknown = JSON.parse(realText)
      const path = all[i % all.length]!
      let parent = copy as Record<string | number, unknown>
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
      parent[path[path.length - 1]!] = replacement
      assertSound(decodeOtlpMetricsJson(JSON.stringify(copy), 't'))
    }),
    { numRuns: 2000 },
  )
})
