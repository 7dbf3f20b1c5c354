import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { MetricBatchBuilder } from './metric-batch.js'
import { splitMetricBatch } from './metric-batch-select.js'
import type { MetricBatch } from './metric-batch.js'

function samples(b: MetricBatch): string[] {
  const out: string[] = []
  for (let i = 0; i < b.length; i++)
    out.push(`${b.series[b.seriesIdx[i]!]!.join(',')}@${b.ts[i]}=${b.value[i]}`)
  return out
}

test('splitting by series keeps every sample exactly once, in its group, in order', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.tuple(fc.nat({ max: 9 }), fc.double()), { maxLength: 60 }),
      fc.integer({ min: 1, max: 4 }),
      (seriesCount, points, groups) => {
        const b = new MetricBatchBuilder('t')
        const ids = Array.from({ length: seriesCount }, (_, i) => b.series(['__name__', `m${i}`], 'gauge'))
        points.forEach(([s, v], i) => b.sample(ids[s % seriesCount]!, i, v))
        const batch = b.build()
        const groupOf = Uint32Array.from(ids, (_, i) => (i * 7) % groups)
        const parts = splitMetricBatch(batch, groupOf, groups)
        assert.equal(parts.length, groups)
        const all = samples(batch)
        const merged = parts.flatMap(samples)
        assert.deepEqual([...merged].sort(), [...all].sort())
        parts.forEach((p, g) => {
          for (const labels of p.series) assert.equal(groupOf[Number(labels[1]!.slice(1))], g)
          assert.deepEqual(
            samples(p),
            all.filter((x) => groupOf[Number(x.split(',')[1]!.split('@')[0]!.slice(1))] === g),
          )
        })
      },
    ),
  )
})

test('one group: the batch itself, no copy', () => {
  const b = new MetricBatchBuilder('t')
  b.sample(b.series(['__name__', 'a']), 1, 1)
  const batch = b.build()
  const [only, empty] = splitMetricBatch(batch, new Uint32Array([0]), 2)
  assert.equal(only, batch)
  assert.equal(empty!.length, 0)
})
