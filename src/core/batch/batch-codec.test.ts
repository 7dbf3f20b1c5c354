import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { decodeBatch } from './batch-codec.js'
import { encodeEventBatch } from './event-batch-codec.js'
import { encodeLogBatch } from './log-batch-codec.js'
import { MetricBatchBuilder } from './metric-batch.js'
import { encodeMetricBatch } from './metric-batch-codec.js'
import { encodeSpanBatch } from './span-batch-codec.js'
import { eventBatch, logBatch, spanBatch } from './testing/batch-arbitraries.js'

test('decodeBatch reads every kind of record by its kind byte', () => {
  fc.assert(
    fc.property(logBatch, spanBatch, eventBatch, (logs, spans, events) => {
      for (const [batch, bytes] of [
        [logs, encodeLogBatch(logs)],
        [spans, encodeSpanBatch(spans)],
        [events, encodeEventBatch(events)],
      ] as const) {
        const res = decodeBatch(bytes)
        assert.ok(res.ok, res.ok ? '' : res.reason)
        assert.deepEqual(res.batch, batch)
      }
    }),
    { numRuns: 50 },
  )
  const b = new MetricBatchBuilder('acme')
  b.sample(b.series(['__name__', 'up']), 1, 1)
  const res = decodeBatch(encodeMetricBatch(b.build()))
  assert.ok(res.ok && res.batch.kind === 'metrics' && res.batch.tenant === 'acme')
})

test('decodeBatch names what it cannot read', () => {
  assert.deepEqual(decodeBatch(new Uint8Array([1])), {
    ok: false,
    reason: 'batch record shorter than its header',
  })
  assert.deepEqual(decodeBatch(new Uint8Array([1, 9, 0])), { ok: false, reason: 'unknown batch kind 9' })
  const res = decodeBatch(new Uint8Array([2, 2, 0]))
  assert.ok(!res.ok && res.reason === 'malformed logs batch: unsupported version 2')
})

test('strings are interned: a repeated body and attribute set cost one entry each', () => {
  const resource = { service: 'api', attributes: ['service.name', 'api'], scope: '', scopeVersion: '' }
  const row = {
    resource: 0,
    timeMs: 1_700_000_000_000,
    timeNanos: 5,
    observedTimeMs: 0,
    observedTimeNanos: 0,
    severityNumber: 9,
    severityText: 'INFO',
    body: 'x'.repeat(1000),
    attributes: ['route', '/cart'],
    traceId: '',
    spanId: '',
    flags: 0,
  }
  const one = encodeLogBatch({ kind: 'logs', tenant: 't', resources: [resource], rows: [row] })
  const many = encodeLogBatch({
    kind: 'logs',
    tenant: 't',
    resources: [resource],
    rows: Array(100).fill(row),
  })
  assert.ok(many.length - one.length < 100 * 30, `${many.length - one.length} bytes for 99 more rows`)
})
