import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { DecodeResult } from './decode-result.js'
import { EventsDecoder } from './events-decoder.js'

const events = new EventsDecoder()

/** Whatever came out is internally consistent; `lines` is the number of non-blank lines. */
function assertConsistent(res: DecodeResult, lines?: number): void {
  if (!res.ok) assert.fail(res.reason)
  assert.equal(res.accepted, res.batch.rows.length)
  assert.equal(res.rejected, res.rejects.length)
  if (lines !== undefined) assert.equal(res.accepted + res.rejected, lines)
  assert.equal(
    Object.values(res.rejectReasons).reduce((a, n) => a + n, 0),
    res.rejected,
  )
  for (const row of res.batch.rows) {
    assert.ok(Number.isInteger(row.timeMs))
    assert.equal(row.fields.length % 2, 0)
    const keys = row.fields.filter((_, i) => i % 2 === 0)
    assert.equal(new Set(keys).size, keys.length, 'keys unique')
    for (const f of row.fields) assert.equal(typeof f, 'string')
  }
  for (const r of res.rejects) assert.ok(r.line >= 1)
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s)
const nonBlank = (s: string): number => s.split('\n').filter((l) => l.replace(/[ \t\r]/g, '') !== '').length

test('decode(encode(x)) == x for flat events of strings', () => {
  const key = fc.string({ unit: 'binary', maxLength: 10 }).filter((k) => !k.includes('.'))
  const event = fc.uniqueArray(fc.tuple(key, fc.string({ unit: 'binary', maxLength: 20 })), {
    selector: (p) => p[0],
    maxLength: 10,
  })
  fc.assert(
    fc.property(fc.array(event, { maxLength: 10 }), (evs) => {
      const body = evs.map((e) => JSON.stringify(Object.fromEntries(e))).join('\n')
      const res = events.decode(encode(body), 't', 's', 42)
      assertConsistent(res, evs.length)
      if (!res.ok) return
      // JSON objects list integer-like keys first; compare as sets of pairs.
      const sorted = (pairs: string[][]): string[][] => pairs.slice().sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
      res.batch.rows.forEach((row, i) => {
        const pairs = Array.from({ length: row.fields.length / 2 }, (_, j) => [
          row.fields[2 * j]!,
          row.fields[2 * j + 1]!,
        ])
        assert.deepEqual(sorted(pairs), sorted(evs[i]!))
      })
    }),
    { numRuns: 300 },
  )
})

test('random JSON lines, random bytes and truncated bodies never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue({ maxDepth: 20 }), { maxLength: 8 }), fc.nat(), (values, cut) => {
      const body = values.map((v) => JSON.stringify(v)).join('\r\n')
      assertConsistent(events.decode(encode(body), 't', 's', 0), nonBlank(body))
      const bytes = encode(body)
      assertConsistent(events.decode(bytes.subarray(0, cut % (bytes.length + 1)), 't', 's', 0))
    }),
    { numRuns: 1000 },
  )
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
      assertConsistent(events.decode(bytes, 't', 's', 0)),
    ),
    { numRuns: 2000 },
  )
})

test('extreme nesting is rejected, not a stack overflow', () => {
  const deep = new EventsDecoder({ limits: { maxLineBytes: 1 << 20 } })
  for (const line of ['{"a":'.repeat(100_000), `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`]) {
    const res = deep.decode(encode(line), 't', 's', 0)
    assertConsistent(res, 1)
    assert.equal(res.ok && res.rejected, 1)
  }
})
