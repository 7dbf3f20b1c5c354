import assert from 'node:assert/strict'
import { test } from 'node:test'
import { labelValue, sortLabels } from './labels.js'
import { MetricBatchBuilder, SERIES_KIND_CODE } from './metric-batch.js'

test('the builder interns series and grows past its initial capacity', () => {
  const b = new MetricBatchBuilder('acme', 2)
  const up = b.series(['__name__', 'up', 'job', 'api'], 'gauge')
  const reqs = b.series(['__name__', 'requests_total', 'job', 'api'], 'counter')
  assert.equal(b.series(['__name__', 'up', 'job', 'api'], 'gauge'), up)
  for (let i = 0; i < 100; i++) b.sample(i % 2 === 0 ? up : reqs, 1000 + i, i)
  const batch = b.build()
  assert.equal(batch.tenant, 'acme')
  assert.equal(batch.length, 100)
  assert.equal(batch.series.length, 2)
  assert.deepEqual([...batch.seriesKinds], [SERIES_KIND_CODE.gauge, SERIES_KIND_CODE.counter])
  assert.equal(batch.seriesIdx[99], reqs)
  assert.equal(batch.ts[99], 1099)
  assert.equal(batch.value[50], 50)
})

test('labels sort by name and look up by name', () => {
  const labels = sortLabels(['job', 'api', '__name__', 'up', 'instance', 'a:1'])
  assert.deepEqual(labels, ['__name__', 'up', 'instance', 'a:1', 'job', 'api'])
  assert.equal(labelValue(labels, 'job'), 'api')
  assert.equal(labelValue(labels, 'zone'), undefined)
})
