import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AnomalyRow } from './anomaly-batch.js'
import { decodeAnomalyBatch, encodeAnomalyBatch } from './anomaly-batch-codec.js'
import { decodeBatch } from './batch-codec.js'

const row = (i: number): AnomalyRow => ({
  tenant: i % 2 === 0 ? 'acme' : 'globex',
  source: 'rollups',
  key: `__name__\u0000cpu\u0000host\u0000h${i}`,
  feature: 'mean',
  windowMs: 10_000,
  timeMs: 1_767_571_200_000 + i * 10_000,
  value: i === 3 ? Number.NaN : i * 1.5,
  score: i / 10,
  alert: i === 7,
  novelty: 0.25,
  levelZ: -3.5,
  seasonalZ: Number.POSITIVE_INFINITY,
  changePoint: i === 5,
  detectedAtMs: 1_767_571_211_000 + i,
})

describe('anomaly batch codec', () => {
  it('round-trips every field, NaN and ±Infinity included', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i))
    const d = decodeAnomalyBatch(encodeAnomalyBatch({ kind: 'anomalies', rows }))
    assert.ok(d.ok)
    assert.deepEqual(d.batch.rows, rows)
    const any = decodeBatch(encodeAnomalyBatch({ kind: 'anomalies', rows }))
    assert.ok(any.ok && any.batch.kind === 'anomalies')
  })

  it('refuses a truncated record with a reason instead of throwing', () => {
    const bytes = encodeAnomalyBatch({ kind: 'anomalies', rows: [row(1), row(2)] })
    const d = decodeAnomalyBatch(bytes.subarray(0, bytes.length - 5))
    assert.equal(d.ok, false)
    assert.match(d.ok ? '' : d.reason, /malformed anomalies batch/)
  })
})
