import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import type { SelectedSeries } from '../eval/value.js'
import { DEFAULT_PROM_QUERY_LIMITS, PromQueryService } from './prom-query-service.js'
import type { QuerySession } from './prom-query-service.js'

const noCatalog = { select: () => [], all: () => [] }

test('a query over its timeout is a 503 "timeout", and the read in progress is interrupted', async () => {
  let interrupted = false
  let closed = false
  const session: QuerySession = {
    source: {
      // A read that only ends when interrupted (as a DuckDB read does on connection.interrupt()).
      select: () =>
        new Promise<SelectedSeries[]>((_resolve, reject) => {
          const t = setInterval(() => {
            if (interrupted) {
              clearInterval(t)
              reject(new Error('INTERRUPT Error: Interrupted!'))
            }
          }, 5)
        }),
    },
    interrupt: () => (interrupted = true),
    close: () => (closed = true),
  }
  const service = new PromQueryService({
    clock: new ManualClock(1_700_000_000_000),
    catalog: noCatalog,
    limits: { ...DEFAULT_PROM_QUERY_LIMITS, timeoutMs: 50 },
    openSession: async () => session,
  })
  const answer = await service.query('acme', new URLSearchParams({ query: 'up' }))
  assert.equal(answer.status, 503)
  assert.deepEqual(JSON.parse(answer.body), {
    status: 'error',
    errorType: 'timeout',
    error: 'query timed out in expression evaluation (timeout 50 ms)',
  })
  assert.ok(interrupted && closed)
})

test('a timeout parameter shortens the configured timeout but cannot lengthen it', async () => {
  const clock = new ManualClock(1_700_000_000_000)
  const service = new PromQueryService({
    clock,
    catalog: noCatalog,
    limits: { ...DEFAULT_PROM_QUERY_LIMITS, timeoutMs: 1_000 },
    openSession: async () => ({
      source: {
        select: async () => {
          clock.advance(600) // the read takes 600 ms of the query's time
          return []
        },
      },
      interrupt: () => undefined,
      close: () => undefined,
    }),
  })
  const short = await service.query('acme', new URLSearchParams({ query: 'up + up', timeout: '0.5' }))
  assert.equal(short.status, 503, short.body)
  const long = await service.query('acme', new URLSearchParams({ query: 'up + up', timeout: '1h' }))
  assert.equal(long.status, 200, long.body)
  // Three reads: the third starts 1.2 s in, past the configured 1 s.
  const tooLong = await service.query('acme', new URLSearchParams({ query: 'up + up + up', timeout: '1h' }))
  assert.equal(tooLong.status, 503, 'the configured 1 s still applies')
})
