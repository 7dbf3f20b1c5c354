import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeBatch } from './batch-codec.js'
import type { ResultBatch, ResultRow } from './result-batch.js'
import { decodeResultBatch, encodeResultBatch } from './result-batch-codec.js'

function row(over: Partial<ResultRow>): ResultRow {
  return {
    tenant: 't1',
    key: '__name__\u0000cpu',
    windowMs: 10_000,
    windowStart: 1_700_000_000_000,
    windowEnd: 1_700_000_010_000,
    revision: 1,
    final: true,
    count: 3,
    sum: 6,
    min: 1,
    max: 3,
    last: 2,
    mean: 2,
    p50: Number.NaN,
    p90: Number.NaN,
    p99: Number.NaN,
    errors: 0,
    ...over,
  }
}

test('a result batch round-trips bit for bit, NaN and infinities included', () => {
  const batch: ResultBatch = {
    kind: 'results',
    job: 'rollups',
    rows: [
      row({}),
      row({ tenant: 't2', revision: 2, final: false, max: Infinity, min: -Infinity }),
      row({ key: 'checkout\u0000GET /cart', errors: 4, p50: 12.5, p90: 40, p99: 99.9 }),
    ],
  }
  const bytes = encodeResultBatch(batch)
  const res = decodeResultBatch(bytes)
  assert.ok(res.ok)
  assert.deepEqual(res.batch, batch)
  const any = decodeBatch(bytes)
  assert.ok(any.ok && any.batch.kind === 'results')
})

test('a truncated or corrupted result record is refused with a reason, never a throw', () => {
  const bytes = encodeResultBatch({ kind: 'results', job: 'red', rows: [row({})] })
  for (let cut = 0; cut < bytes.length; cut++) {
    const res = decodeResultBatch(bytes.subarray(0, cut))
    assert.equal(res.ok, false, `cut at ${cut}`)
  }
  const wrongKind = Buffer.from(bytes)
  wrongKind[1] = 1
  const res = decodeResultBatch(wrongKind)
  assert.ok(!res.ok && res.reason.length > 0)
})
