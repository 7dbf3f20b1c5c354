import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { numberCodec, valueTable } from '../state/index.js'
import { chain } from './chain.js'
import type { Collector, Operator, OperatorContext } from './operator.js'
import { filter, flatMap, keyBy, map } from './stateless.js'
import type { Batch } from './stateless.js'

function harness(): {
  ctx: OperatorContext
  out: Collector<unknown>
  log: string[]
  counts: Map<string, number>
} {
  const log: string[] = []
  const counts = new Map<string, number>()
  const ctx: OperatorContext = {
    operatorId: 'test',
    clock: new ManualClock(),
    watermarkMs: Number.NEGATIVE_INFINITY,
    table: () => {
      throw new Error('no tables')
    },
    count: (c, n) => counts.set(c, (counts.get(c) ?? 0) + n),
  }
  const out: Collector<unknown> = {
    emit: (b) => log.push(`out ${JSON.stringify(b)}`),
    side: (o, b, r) => log.push(`side ${o} ${r} ${JSON.stringify(b)}`),
  }
  return { ctx, out, log, counts }
}

/** Buffers numbers and emits their sum on a watermark; logs every hook it sees into `log`. */
function summer(name: string, log: string[]): Operator<Batch<number>, Batch<number>> {
  let held: number[] = []
  const flush = (out: Collector<Batch<number>>): void => {
    if (held.length > 0) out.emit([held.reduce((a, b) => a + b, 0)])
    held = []
  }
  return {
    stateTables: [valueTable(`${name}.held`, numberCodec)],
    onStart: () => log.push(`${name} start`),
    processBatch(batch, _ctx, out) {
      log.push(`${name} batch ${JSON.stringify(batch)}`)
      held.push(...batch)
      if (batch.some((n) => n < 0)) out.side('negative', batch, 'below zero')
    },
    onWatermark(t, _ctx, out) {
      log.push(`${name} watermark ${t}`)
      flush(out)
    },
    onBarrier(e, _ctx, out) {
      log.push(`${name} barrier ${e}`)
      flush(out)
    },
    onTick: (now) => log.push(`${name} tick ${now}`),
    onEnd(_ctx, out) {
      log.push(`${name} end`)
      flush(out)
    },
  }
}

test('stateless operators: map, filter, flatMap, keyBy on a batch; empty results are not emitted', () => {
  const { ctx, out, log, counts } = harness()
  map((n: number) => n * 2).processBatch([1, 2], ctx, out)
  filter((n: number) => n % 2 === 1).processBatch([1, 2, 3], ctx, out)
  filter((n: number) => n > 10).processBatch([1, 2], ctx, out)
  flatMap((n: number) => Array.from({ length: n }, () => n)).processBatch([0, 1, 2], ctx, out)
  keyBy((s: { host: string }) => s.host).processBatch([{ host: 'a' }], ctx, out)
  assert.deepEqual(log, ['out [2,4]', 'out [1,3]', 'out [1,2,2]', 'out [{"key":"a","value":{"host":"a"}}]'])
  assert.equal(counts.get('filtered'), 3)
  const op = map((n: number) => n)
  assert.equal(op.onWatermark, undefined, 'no hooks: watermarks and barriers pass through')
  assert.equal(op.onBarrier, undefined)
})

test('chain: each stage feeds the next synchronously; hooks run in order with output flowing down', () => {
  const { ctx, out, log } = harness()
  const op = chain(
    filter((n: number) => n !== 0),
    summer('a', log),
    map((n: number) => n * 10),
    summer('b', log),
  )
  assert.deepEqual(
    op.stateTables?.map((t) => t.name),
    ['a.held', 'b.held'],
  )
  op.onStart?.(ctx)
  op.processBatch([1, 0, 2], ctx, out)
  op.processBatch([-3], ctx, out)
  op.onWatermark?.(100, ctx, out)
  op.processBatch([4], ctx, out)
  op.onTick?.(7, ctx, out)
  op.onBarrier?.(1, ctx, out)
  op.processBatch([5], ctx, out)
  op.onEnd?.(ctx, out)
  assert.deepEqual(log, [
    'a start',
    'b start',
    'a batch [1,2]',
    'a batch [-3]',
    'side negative below zero [-3]',
    // a fires on the watermark; its output reaches b before the watermark does
    'a watermark 100',
    'b batch [0]',
    'b watermark 100',
    'out [0]',
    'a batch [4]',
    'a tick 7',
    'b tick 7',
    'a barrier 1',
    'b batch [40]',
    'b barrier 1',
    'out [40]',
    'a batch [5]',
    'a end',
    'b batch [50]',
    'b end',
    'out [50]',
  ])
})

test('chain: a single stage is itself; no stages or a state table declared twice is an error', () => {
  const { ctx, out, log } = harness()
  chain(map((n: number) => n + 1)).processBatch([1], ctx, out)
  assert.deepEqual(log, ['out [2]'])
  assert.throws(() => chain(summer('x', []), summer('x', [])), /two stages declare the state table "x.held"/)
  assert.throws(() => (chain as (...ops: unknown[]) => unknown)(), /at least one operator/)
})
