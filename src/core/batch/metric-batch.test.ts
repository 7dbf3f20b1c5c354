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

test('series are interned by content, also with interleaved builders and equal arrays', () => {
  const a = new MetricBatchBuilder('t')
  const b = new MetricBatchBuilder('t')
  const x1 = ['__name__', 'x']
  const x2 = ['__name__', 'x'] // same content, another array
  const y = ['__name__', 'y']
  assert.equal(a.series(x1), 0)
  assert.equal(b.series(y), 0)
  assert.equal(b.series(x2), 1)
  assert.equal(a.series(y), 1)
  assert.equal(a.series(x2), 0, 'a still knows x after b interned it')
  assert.equal(b.series(x1), 1)
  assert.equal(a.series(y), 1)
  assert.equal(a.seriesCount, 2)
  assert.equal(b.seriesCount, 2)
  const c = new MetricBatchBuilder('t')
  for (let i = 0; i < 3; i++) {
    assert.equal(c.series(x1), 0)
    assert.equal(c.series(x2), 0)
    assert.equal(c.series(y), 1)
  }
  assert.deepEqual(c.build().series, [x1, y])
})
