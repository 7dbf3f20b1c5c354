import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DEFAULT_BENCH_POOL,
  DEFAULT_GEN_OPTIONS,
  DEMO_GEN_OPTIONS,
  checkGenOptions,
  resolveGenOptions,
} from './gen-options.js'

test('the defaults and the demo options are valid', () => {
  assert.deepEqual(checkGenOptions(DEFAULT_GEN_OPTIONS), [])
  assert.deepEqual(checkGenOptions(DEMO_GEN_OPTIONS), [])
  assert.ok(DEMO_GEN_OPTIONS.rate > 0 && DEMO_GEN_OPTIONS.durationS === 0)
})

test('user values go over the defaults; batch merges per signal; pool follows rate and ack file', () => {
  const o = resolveGenOptions({ rate: 100, batch: { logs: 50 } })
  assert.equal(o.rate, 100)
  assert.deepEqual(o.batch, { metrics: 2000, logs: 50, traces: 500 })
  assert.equal(o.pool, 0)
  assert.equal(resolveGenOptions({}).pool, DEFAULT_BENCH_POOL)
  assert.equal(resolveGenOptions({ ackFile: 'a.ndjson' }).pool, 0)
  assert.equal(resolveGenOptions({ pool: 3 }).pool, 3)
})

test('every rule rejects, all problems in one message', () => {
  assert.throws(
    () =>
      resolveGenOptions({
        services: 0,
        series: -1,
        rate: -1,
        signals: [],
        url: 'localhost:4318',
        batch: { traces: 0 },
      }),
    (err: Error) =>
      ['services', 'series', 'rate', 'signals', 'url', 'batch.traces'].every((word) =>
        err.message.includes(word),
      ),
  )
})
