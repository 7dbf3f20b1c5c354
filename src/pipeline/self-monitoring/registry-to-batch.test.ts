import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client'
import { SERIES_KIND_CODE, labelValue } from '../../core/batch/index.js'
import type { MetricBatch, SeriesKind } from '../../core/batch/index.js'
import { registryToBatch } from './registry-to-batch.js'

const T = 1_700_000_010_000
const options = { tenant: 'vigil-self', job: 'vigil', instance: 'host-a', timestampMs: T, maxSeries: 5_000 }

/** `name{a="1",b="2"}` per series (labels sorted, `__name__` first as the name), with kind and value. */
function dump(batch: MetricBatch): Map<string, { kind: SeriesKind; value: number }> {
  const kinds = Object.entries(SERIES_KIND_CODE)
  const out = new Map<string, { kind: SeriesKind; value: number }>()
  for (let i = 0; i < batch.length; i++) {
    const labels = batch.series[batch.seriesIdx[i]!]!
    const pairs: string[] = []
    for (let j = 0; j < labels.length; j += 2)
      if (labels[j] !== '__name__') pairs.push(`${labels[j]}="${labels[j + 1]}"`)
    const code = batch.seriesKinds[batch.seriesIdx[i]!]
    const kind = kinds.find(([, c]) => c === code)![0] as SeriesKind
    out.set(`${labelValue(labels, '__name__')}{${pairs.join(',')}}`, { kind, value: batch.value[i]! })
  }
  return out
}

describe('registryToBatch', () => {
  test('counters and gauges become one series each, with job, instance and the scrape time', async () => {
    const registry = new Registry()
    new Counter({ name: 'c_total', help: 'h', labelNames: ['path'], registers: [registry] }).inc(
      { path: '/a' },
      3,
    )
    new Gauge({ name: 'g', help: 'h', registers: [registry] }).set(-1.5)
    const { batch, droppedSeries } = registryToBatch(await registry.getMetricsAsJSON(), options)
    assert.equal(batch.tenant, 'vigil-self')
    assert.equal(droppedSeries, 0)
    assert.deepEqual(
      [...dump(batch)],
      [
        ['c_total{instance="host-a",job="vigil",path="/a"}', { kind: 'counter', value: 3 }],
        ['g{instance="host-a",job="vigil"}', { kind: 'gauge', value: -1.5 }],
      ],
    )
    assert.deepEqual([...batch.ts], [T, T])
    assert.deepEqual(batch.series[0], [
      '__name__',
      'c_total',
      'instance',
      'host-a',
      'job',
      'vigil',
      'path',
      '/a',
    ])
  })

  test('histograms become _bucket{le}, _sum and _count; summaries {quantile}, _sum and _count', async () => {
    const registry = new Registry()
    const h = new Histogram({ name: 'h_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] })
    h.observe(0.05)
    h.observe(0.5)
    h.observe(5)
    const s = new Summary({ name: 's_seconds', help: 'h', percentiles: [0.5, 0.99], registers: [registry] })
    s.observe(2)
    const series = dump(registryToBatch(await registry.getMetricsAsJSON(), options).batch)
    const at = (key: string) => series.get(key)
    assert.deepEqual(at('h_seconds_bucket{instance="host-a",job="vigil",le="0.1"}'), {
      kind: 'histogram',
      value: 1,
    })
    assert.deepEqual(at('h_seconds_bucket{instance="host-a",job="vigil",le="1"}'), {
      kind: 'histogram',
      value: 2,
    })
    assert.deepEqual(at('h_seconds_bucket{instance="host-a",job="vigil",le="+Inf"}'), {
      kind: 'histogram',
      value: 3,
    })
    assert.deepEqual(at('h_seconds_sum{instance="host-a",job="vigil"}'), { kind: 'histogram', value: 5.55 })
    assert.deepEqual(at('h_seconds_count{instance="host-a",job="vigil"}'), { kind: 'histogram', value: 3 })
    assert.deepEqual(at('s_seconds{instance="host-a",job="vigil",quantile="0.5"}'), {
      kind: 'summary',
      value: 2,
    })
    assert.deepEqual(at('s_seconds{instance="host-a",job="vigil",quantile="0.99"}'), {
      kind: 'summary',
      value: 2,
    })
    assert.deepEqual(at('s_seconds_sum{instance="host-a",job="vigil"}'), { kind: 'summary', value: 2 })
    assert.deepEqual(at('s_seconds_count{instance="host-a",job="vigil"}'), { kind: 'summary', value: 1 })
    assert.equal(series.size, 9)
  })

  test('a sample’s own job and instance labels become exported_job and exported_instance', async () => {
    const registry = new Registry()
    const g = new Gauge({
      name: 'vigil_engine_epoch',
      help: 'h',
      labelNames: ['job', 'task', 'instance', 'exported_instance'],
      registers: [registry],
    })
    g.set({ job: 'rollups', task: '0', instance: 'x', exported_instance: 'y' }, 7)
    const keys = [...dump(registryToBatch(await registry.getMetricsAsJSON(), options).batch).keys()]
    assert.deepEqual(keys, [
      'vigil_engine_epoch{exported_exported_instance="x",exported_instance="y",exported_job="rollups",' +
        'instance="host-a",job="vigil",task="0"}',
    ])
  })

  test('empty label values are dropped and samples without a number are skipped', () => {
    const families = [
      { name: 'a', type: 'gauge', values: [{ value: 1, labels: { x: '', y: 2 } }] },
      { name: 'b', type: 'gauge', values: [{ value: null, labels: {} }] },
      { name: 'c', type: 'untyped', values: [{ value: Number.NaN, labels: {} }] },
      { name: 'd', type: 'gauge' },
    ]
    const series = dump(registryToBatch(families, options).batch)
    assert.deepEqual(
      [...series.keys()],
      ['a{instance="host-a",job="vigil",y="2"}', 'c{instance="host-a",job="vigil"}'],
    )
    assert.equal(series.get('c{instance="host-a",job="vigil"}')!.kind, 'unknown')
    assert.ok(Number.isNaN(series.get('c{instance="host-a",job="vigil"}')!.value))
  })

  test('at most maxSeries series, in registry order; a histogram child is kept or dropped whole', async () => {
    const registry = new Registry()
    const c = new Counter({ name: 'first_total', help: 'h', labelNames: ['i'], registers: [registry] })
    for (let i = 0; i < 3; i++) c.inc({ i: String(i) })
    // Each child: 2 buckets + +Inf + sum + count = 5 series.
    const h = new Histogram({
      name: 'h',
      help: 'h',
      labelNames: ['k'],
      buckets: [1, 2],
      registers: [registry],
    })
    h.observe({ k: 'a' }, 1)
    h.observe({ k: 'b' }, 1)
    new Gauge({ name: 'last', help: 'h', registers: [registry] }).set(1)
    const families = await registry.getMetricsAsJSON()

    const seven = registryToBatch(families, { ...options, maxSeries: 7 })
    // 3 counters; child a (5) does not fit in the 4 left, nor b; the gauge does.
    assert.deepEqual(
      [...new Set(seven.batch.series.map((l) => labelValue(l, '__name__')))],
      ['first_total', 'last'],
    )
    assert.equal(seven.batch.length, 4)
    assert.equal(seven.droppedSeries, 10)

    const nine = registryToBatch(families, { ...options, maxSeries: 9 })
    assert.equal(nine.batch.length, 9)
    assert.equal(nine.batch.series.filter((l) => labelValue(l, 'k') === 'a').length, 5)
    assert.equal(nine.batch.series.filter((l) => labelValue(l, 'k') === 'b').length, 0)
    assert.equal(nine.batch.series.filter((l) => labelValue(l, '__name__') === 'last').length, 1)
    assert.equal(nine.droppedSeries, 5)

    assert.equal(registryToBatch(families, options).batch.length, 14)
  })
})
