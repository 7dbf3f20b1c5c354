import assert from 'node:assert/strict'
import { test } from 'node:test'
import { labelsKey } from './labels.js'
import { MetricBatchBuilder } from './metric-batch.js'
import { decodeMetricBatch, encodeMetricBatch } from './metric-batch-codec.js'

function batch(values: readonly string[]): Uint8Array {
  const b = new MetricBatchBuilder('t')
  for (const v of values) b.sample(b.series(['__name__', 'cpu', 'host', v], 'gauge'), 1, 1)
  return encodeMetricBatch(b.build())
}

test('a series decoded again in a later batch is the same label array, its key already known', () => {
  const first = decodeMetricBatch(batch(['a', 'b']))
  const second = decodeMetricBatch(batch(['c', 'b', 'a']))
  assert.ok(first.ok && second.ok)
  const [a1, b1] = first.batch.series
  const [c2, b2, a2] = second.batch.series
  assert.equal(a2, a1)
  assert.equal(b2, b1)
  assert.notEqual(c2, a1)
  assert.deepEqual(c2, ['__name__', 'cpu', 'host', 'c'])
  assert.equal(labelsKey(a2!), '__name__\u0000cpu\u0000host\u0000a')
})

test('label sets that share strings in another order or length are told apart', () => {
  const b = new MetricBatchBuilder('t')
  b.sample(b.series(['a', 'b', 'c', 'd'], 'gauge'), 1, 1)
  b.sample(b.series(['a', 'd', 'c', 'b'], 'gauge'), 1, 1)
  b.sample(b.series(['a', 'b'], 'gauge'), 1, 1)
  const d = decodeMetricBatch(encodeMetricBatch(b.build()))
  assert.ok(d.ok)
  assert.deepEqual(
    d.batch.series.map((l) => [...l]),
    [
      ['a', 'b', 'c', 'd'],
      ['a', 'd', 'c', 'b'],
      ['a', 'b'],
    ],
  )
})
