import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MetricSeries, SeriesCache } from './series-cache.js'

function view(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength)
}

test('bytes whose hash is taken by other bytes are still found, each under its own bytes', () => {
  const cache = new SeriesCache(10)
  const metric = cache.metric('m')
  const buf = Buffer.from('xxattr-oneattr-two!')
  const v = view(buf)
  const SAME_HASH = 42 // force a collision
  const one = cache.add(metric, buf, 2, 10, SAME_HASH, ['__name__', 'one'], undefined)
  const two = cache.add(metric, buf, 10, 19, SAME_HASH, ['__name__', 'two'], undefined)
  assert.equal(metric.find(v, buf, 2, 10, SAME_HASH), one)
  assert.equal(metric.find(v, buf, 10, 19, SAME_HASH), two)
  assert.equal(metric.find(v, buf, 3, 11, SAME_HASH), undefined)
  assert.equal(metric.find(v, buf, 2, 10, 7), undefined)
  // Entries hold copies: rewriting the request buffer changes nothing.
  buf.fill(0)
  assert.deepEqual(Buffer.from(one.raw).toString(), 'attr-one')
  assert.equal(cache.size, 2)
})

test('the cache empties itself when full and keeps working', () => {
  const cache = new SeriesCache(2)
  const buf = Buffer.from('abcdef')
  const v = view(buf)
  const m = cache.metric('m')
  for (let i = 0; i < 3; i++) {
    const h = MetricSeries.hash(v, buf, i, i + 2)
    cache.add(cache.metric('m'), buf, i, i + 2, h, ['__name__', String(i)], undefined)
  }
  assert.equal(cache.size, 1)
  const h2 = MetricSeries.hash(v, buf, 2, 4)
  assert.deepEqual(cache.metric('m').find(v, buf, 2, 4, h2)?.labels, ['__name__', '2'])
  assert.equal(m.find(v, buf, 0, 2, MetricSeries.hash(v, buf, 0, 2)), undefined)
})
