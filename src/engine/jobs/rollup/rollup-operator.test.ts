import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MetricBatchBuilder } from '../../../core/batch/index.js'
import type { MetricBatch } from '../../../core/batch/index.js'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { Collector, OperatorContext } from '../../api/index.js'
import { RollupOperator } from './rollup-operator.js'
import type { RollupRow } from './rollup-operator.js'

function batch(points: [string, number, number][], tenant = 't'): MetricBatch {
  const b = new MetricBatchBuilder(tenant)
  for (const [name, ts, v] of points) b.sample(b.series(['__name__', name], 'gauge'), ts, v)
  return b.build()
}

function harness(): { ctx: OperatorContext; out: Collector<RollupRow[]>; rows: RollupRow[]; late: string[] } {
  const rows: RollupRow[] = []
  const late: string[] = []
  const counts = new Map<string, number>()
  return {
    rows,
    late,
    ctx: {
      operatorId: 'rollup',
      clock: new ManualClock(),
      watermarkMs: Number.NEGATIVE_INFINITY,
      table: () => {
        throw new Error('unused')
      },
      count: (c, n) => counts.set(c, (counts.get(c) ?? 0) + n),
    },
    out: {
      emit: (r) => rows.push(...r),
      side: (output, record, reason) => late.push(`${output}:${reason}:${JSON.stringify(record)}`),
    },
  }
}

test('rollups per series and window size: aggregates on close, a late upsert within lateness, later data to the late output', () => {
  const op = new RollupOperator({ windowsMs: [10_000, 60_000], allowedLatenessMs: 5_000 })
  const h = harness()
  op.processBatch(
    batch([
      ['cpu', 1_000, 1],
      ['cpu', 2_000, 3],
      ['cpu', 2_000, 3],
      ['mem', 9_999, 10],
      ['cpu', 12_000, 7],
    ]),
    h.ctx,
    h.out,
  )
  assert.equal(h.rows.length, 0, 'nothing before the watermark')
  op.onWatermark(9_999, h.ctx, h.out)
  const first = h.rows.filter((r) => r.windowMs === 10_000 && r.windowStart === 0)
  assert.deepEqual(
    first.map((r) => [
      r.series,
      r.revision,
      r.final,
      r.aggregate.count,
      r.aggregate.sum,
      r.aggregate.max,
      r.aggregate.last,
    ]),
    [
      ['__name__\u0000cpu', 1, true, 2, 4, 3, 3],
      ['__name__\u0000mem', 1, true, 1, 10, 10, 10],
    ],
    'the duplicate (cpu, 2000) is counted once',
  )
  h.rows.length = 0
  op.processBatch(batch([['cpu', 5_000, 100]]), h.ctx, h.out)
  op.onWatermark(12_000, h.ctx, h.out)
  const upsert = h.rows.find((r) => r.windowMs === 10_000 && r.windowStart === 0 && r.series.endsWith('cpu'))
  assert.ok(upsert, 'a late sample within lateness re-emits the window')
  assert.deepEqual([upsert.revision, upsert.aggregate.count, upsert.aggregate.max], [2, 3, 100])
  op.onWatermark(20_000, h.ctx, h.out)
  op.processBatch(batch([['cpu', 3_000, 1]]), h.ctx, h.out)
  assert.equal(h.late.length, 1)
  assert.match(h.late[0]!, /^late:window_closed:/)
})

test('snapshot and restore give the same results as an uninterrupted run', () => {
  const input = batch([
    ['a', 1_000, 1],
    ['b', 11_000, 2],
    ['a', 15_000, 4],
  ])
  const straight = new RollupOperator({ windowsMs: [10_000], allowedLatenessMs: 0 })
  const h1 = harness()
  straight.processBatch(input, h1.ctx, h1.out)
  straight.onWatermark(30_000, h1.ctx, h1.out)

  const before = new RollupOperator({ windowsMs: [10_000], allowedLatenessMs: 0 })
  const h2 = harness()
  before.processBatch(input, h2.ctx, h2.out)
  const after = new RollupOperator({ windowsMs: [10_000], allowedLatenessMs: 0 })
  after.restore(before.snapshot())
  after.onWatermark(30_000, h2.ctx, h2.out)
  assert.deepEqual(h2.rows, h1.rows)
  assert.equal(h1.rows.length, 3)
})

test('two tenants with the same labels in one partition get separate windows and results', () => {
  const op = new RollupOperator({ windowsMs: [10_000], allowedLatenessMs: 0 })
  const h = harness()
  op.processBatch(
    batch(
      [
        ['cpu', 1_000, 1],
        ['cpu', 2_000, 2],
      ],
      'acme',
    ),
    h.ctx,
    h.out,
  )
  op.processBatch(
    batch(
      [
        ['cpu', 1_000, 50],
        ['cpu', 3_000, 70],
      ],
      'beta',
    ),
    h.ctx,
    h.out,
  )
  op.onWatermark(9_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.tenant, r.series, r.aggregate.count, r.aggregate.sum, r.aggregate.last]),
    [
      ['acme', '__name__\u0000cpu', 2, 3, 2],
      ['beta', '__name__\u0000cpu', 2, 120, 70],
    ],
    'the same (series, ts) in two tenants is two samples, not a replacement',
  )
  op.processBatch(batch([['cpu', 4_000, 1]], 'acme'), h.ctx, h.out)
  assert.equal(h.late.length, 1)
  assert.match(h.late[0]!, /"tenant":"acme"/)
})

test('a late upsert is emitted with the batch that caused it, without waiting for the watermark to move', () => {
  const op = new RollupOperator({ windowsMs: [10_000], allowedLatenessMs: 30_000 })
  const h = harness()
  op.processBatch(batch([['cpu', 1_000, 1]]), h.ctx, h.out)
  op.onWatermark(24_999, h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.revision, r.aggregate.count]),
    [[1, 1]],
  )
  op.processBatch(batch([['cpu', 4_000, 100]]), h.ctx, h.out)
  assert.deepEqual(
    h.rows.map((r) => [r.revision, r.aggregate.count, r.aggregate.last]),
    [
      [1, 1, 1],
      [2, 2, 100],
    ],
    'last is the value of the latest event time, even when it arrived late',
  )
})
