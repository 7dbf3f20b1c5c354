import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Labels, MetricBatch } from '../../../core/batch/index.js'
import { SeriesTable } from './series-table.js'

/** A batch naming `series` (one sample each); only the fields `resolve` reads matter. */
function batchOf(tenant: string, series: Labels[]): MetricBatch {
  const n = series.length
  return {
    kind: 'metrics',
    tenant,
    series,
    seriesKinds: new Uint8Array(n),
    length: n,
    seriesIdx: Uint32Array.from(series, (_, i) => i),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    keptPoints: [],
  }
}

/** The series ids `resolve` gives (its array is longer and reused). */
function ids(table: SeriesTable, tenant: string, series: Labels[]): number[] {
  return [...table.resolve(batchOf(tenant, series)).subarray(0, series.length)]
}

test('resolve: a label array shared by two tenants and two tables is a separate series in each', () => {
  const a: Labels = ['__name__', 'up', 'job', 'api']
  const b: Labels = ['__name__', 'up', 'job', 'db']
  const t1 = new SeriesTable()
  const t2 = new SeriesTable()
  const x = ids(t1, 'x', [a, b])
  const y = ids(t1, 'y', [a, b])
  assert.notDeepEqual(x, y)
  assert.deepEqual(ids(t1, 'x', [b, a]), [x[1], x[0]])
  assert.deepEqual(ids(t1, 'y', [a]), [y[0]])
  assert.deepEqual([t1.tenantOf[y[0]!], t1.labelsOf[y[0]!]], ['y', a.join('\u0000')])
  // The other table numbers its own series, whatever the first remembered on the arrays.
  const z = ids(t2, 'x', [b])
  assert.equal(t2.size, 1)
  assert.deepEqual([t2.tenantOf[z[0]!], t2.labelsOf[z[0]!]], ['x', b.join('\u0000')])
  assert.deepEqual(ids(t1, 'x', [a, b]), x)
  assert.equal(t1.size, 4)
})

test('resolve: a released series is registered again, never answered with its stale slot', () => {
  const a: Labels = ['__name__', 'up', 'job', 'api']
  const b: Labels = ['__name__', 'up', 'job', 'db']
  const other: Labels = ['__name__', 'up', 'job', 'web']
  const table = new SeriesTable()
  const [sa] = ids(table, 't', [a, other]) // other keeps the tenant's index alive
  table.release(sa!)
  assert.equal(table.isLive(sa!), false)
  // b takes the freed slot; a must not be taken for it.
  const [sb] = ids(table, 't', [b])
  assert.equal(sb, sa)
  const [again] = ids(table, 't', [a])
  assert.notEqual(again, sb)
  assert.equal(table.labelsOf[again!], a.join('\u0000'))
  assert.equal(table.labelsOf[sb!], b.join('\u0000'))
  assert.equal(table.size, 3)
})

test('prune drops the samples before a time, keeping order, and leaves series already past it alone', () => {
  const table = new SeriesTable()
  const [s] = ids(table, 't', [['__name__', 'up']])
  for (const ts of [30, 10, 40, 20]) table.append(s!, ts, ts / 10, 1)
  table.prune(s!, 25)
  const a = table.arena(s!)
  const at = table.base(s!)
  assert.deepEqual([...a.subarray(at, at + table.sampleLen[s!]! * 3)], [30, 3, 1, 40, 4, 1])
  table.prune(s!, 30) // nothing before 30 is left
  assert.equal(table.sampleLen[s!], 2)
  table.append(s!, 5, 0.5, 1) // an older sample arrives: the next prune must see it
  table.prune(s!, 30)
  assert.deepEqual([...table.arena(s!).subarray(table.base(s!), table.base(s!) + 6)], [30, 3, 1, 40, 4, 1])
  table.prune(s!, 50)
  assert.equal(table.sampleLen[s!], 0)
  assert.equal(table.find(s!, 40), -1)
})
