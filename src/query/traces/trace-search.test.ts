import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DuckDBConnection } from '@duckdb/node-api'
import type { StoreDatabase } from '../../store/duckdb/store-database.js'
import { QueryParamError } from '../sql/query-error.js'
import { T0, withStore, writeSpans } from '../sql/testing/telemetry-fixture.js'
import { parseTraceSearch, searchTraces } from './trace-search.js'
import type { TraceSummary } from './trace-search.js'

const A = 'a'.repeat(32)
const B = 'b'.repeat(32)
const C = 'c'.repeat(32)
const D = 'd'.repeat(32)
const RANGE = { start: `${T0 / 1000 - 60}`, end: `${T0 / 1000 + 60}` }
const OPTS = { timeoutMs: 10_000 }

async function seed(db: StoreDatabase): Promise<void> {
  await writeSpans(db, 'acme', [
    // A: frontend → checkout (error) → billing, plus an orphan; 500 ms.
    {
      traceId: A,
      spanId: 'r',
      service: 'frontend',
      name: 'GET /checkout',
      startMs: T0,
      endMs: T0 + 500,
      statusCode: 1,
    },
    {
      traceId: A,
      spanId: 'c1',
      parentSpanId: 'r',
      service: 'checkout',
      name: 'POST /pay',
      startMs: T0 + 10,
      endMs: T0 + 300,
      statusCode: 2,
    },
    {
      traceId: A,
      spanId: 'g1',
      parentSpanId: 'c1',
      service: 'billing',
      name: 'charge',
      startMs: T0 + 20,
      endMs: T0 + 250,
    },
    {
      traceId: A,
      spanId: 'o1',
      parentSpanId: 'missing',
      service: 'cache',
      name: 'get',
      startMs: T0 + 100,
      endMs: T0 + 110,
    },
    // B: a 2 s worker job with a failing child.
    { traceId: B, spanId: 'rb', service: 'worker', name: 'job', startMs: T0 + 1000, endMs: T0 + 3000 },
    {
      traceId: B,
      spanId: 'cb',
      parentSpanId: 'rb',
      service: 'db',
      name: 'INSERT',
      startMs: T0 + 1100,
      endMs: T0 + 1200,
      statusCode: 2,
    },
  ])
  // C: its root never arrived (the orphan x2 stands in for it); its child x3 starts earlier.
  await writeSpans(
    db,
    'acme',
    [
      {
        traceId: C,
        spanId: 'x2',
        parentSpanId: 'x',
        service: 'api',
        name: 'GET /x',
        startMs: T0 + 2000,
        endMs: T0 + 2010,
      },
      {
        traceId: C,
        spanId: 'x3',
        parentSpanId: 'x2',
        service: 'db',
        name: 'SELECT',
        startMs: T0 + 1995,
        endMs: T0 + 1999,
      },
    ],
    { partition: 1, offset: 1 },
  )
  await writeSpans(db, 'other', [
    {
      traceId: A,
      spanId: 'evil',
      service: 'intruder',
      name: 'GET /checkout',
      startMs: T0 + 50,
      statusCode: 2,
    },
    { traceId: D, spanId: 'd1', service: 'intruder', name: 'job', startMs: T0 + 5000, endMs: T0 + 9000 },
  ])
}

async function search(c: DuckDBConnection, params: Record<string, string> | string, tenant = 'acme') {
  const p = new URLSearchParams(params)
  for (const [k, v] of Object.entries(RANGE)) if (!p.has(k)) p.set(k, v)
  return searchTraces(c, tenant, parseTraceSearch(p, T0), OPTS)
}
const ids = (found: readonly TraceSummary[]) => found.map((t) => t.traceId[0])

test('summaries: newest first, root of the earliest parentless span, counts over all spans', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    const found = await search(c, {})
    assert.deepEqual(ids(found), ['c', 'b', 'a'])
    assert.deepEqual(found[2], {
      traceId: A,
      rootService: 'frontend',
      rootName: 'GET /checkout',
      startTime: '2023-11-14T22:13:20.000000000Z',
      startTimeUnixNano: '1700000000000000000',
      durationNs: 500_000_000,
      spanCount: 4,
      errorCount: 1,
      services: ['billing', 'cache', 'checkout', 'frontend'],
    })
    assert.deepEqual(
      [found[0]!.rootService, found[0]!.rootName, found[0]!.durationNs, found[0]!.errorCount],
      ['api', 'GET /x', 15_000_000, 0],
    )
    assert.deepEqual(
      [found[1]!.rootName, found[1]!.durationNs, found[1]!.errorCount],
      ['job', 2_000_000_000, 1],
    )
  })
})

test('each filter alone', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    assert.deepEqual(ids(await search(c, { service: 'billing' })), ['a'])
    assert.deepEqual(ids(await search(c, 'service=billing&service=worker')), ['b', 'a'])
    assert.deepEqual(ids(await search(c, { service: 'db' })), ['c', 'b'])
    assert.deepEqual(ids(await search(c, { operation: 'job' })), ['b'])
    assert.deepEqual(ids(await search(c, 'operation=SELECT&operation=charge')), ['c', 'a'])
    assert.deepEqual(ids(await search(c, { status: 'error' })), ['b', 'a'])
    assert.deepEqual(ids(await search(c, { status: 'OK' })), ['a'])
    assert.deepEqual(ids(await search(c, { status: 'unset' })), ['c', 'b', 'a'])
    assert.deepEqual(ids(await search(c, { minDuration: '1s' })), ['b'])
    assert.deepEqual(ids(await search(c, { minDuration: '2s' })), ['b']) // inclusive
    assert.deepEqual(ids(await search(c, { minDuration: '2.001s' })), [])
    assert.deepEqual(ids(await search(c, { maxDuration: '5ms' })), ['c'])
    assert.deepEqual(ids(await search(c, { maxDuration: '10ms' })), ['c', 'a'])
    assert.deepEqual(ids(await search(c, { start: `${(T0 + 1000) / 1000}` })), ['c', 'b'])
    assert.deepEqual(ids(await search(c, { end: `${(T0 + 1994) / 1000}` })), ['b', 'a'])
    assert.deepEqual(ids(await search(c, { limit: '1' })), ['c'])
  })
})

test('filters combine, and must all hold for one same span', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    assert.deepEqual(ids(await search(c, { service: 'checkout', status: 'error' })), ['a'])
    assert.deepEqual(ids(await search(c, { service: 'frontend', status: 'error' })), []) // error is checkout's
    assert.deepEqual(ids(await search(c, { service: 'db', operation: 'INSERT', minDuration: '100ms' })), [
      'b',
    ])
    assert.deepEqual(ids(await search(c, { service: 'db', operation: 'INSERT', maxDuration: '99ms' })), [])
    assert.deepEqual(ids(await search(c, { service: 'worker', start: `${(T0 + 1001) / 1000}` })), [])
  })
})

test("tenant isolation: searches never match or count another tenant's spans", async () => {
  await withStore(async (db, c) => {
    await seed(db)
    assert.deepEqual(await search(c, { service: 'intruder' }), [])
    const a = (await search(c, { operation: 'GET /checkout' }))[0]
    assert.deepEqual([a?.spanCount, a?.errorCount, a?.services.includes('intruder')], [4, 1, false])
    const other = await search(c, {}, 'other')
    assert.deepEqual(ids(other), ['d', 'a'])
    assert.deepEqual([other[1]!.spanCount, other[1]!.rootService], [1, 'intruder'])
    assert.deepEqual(await search(c, {}, 'nobody'), [])
  })
})

test('bad search parameters are 400s naming the parameter', () => {
  const rejects = (qs: string, param: string, pattern: RegExp) =>
    assert.throws(
      () => parseTraceSearch(new URLSearchParams(qs), T0),
      (err: unknown) =>
        err instanceof QueryParamError &&
        err.status === 400 &&
        err.param === param &&
        pattern.test(err.message),
      qs,
    )
  rejects('minDuration=1.5', 'minDuration', /"1.5" is not a duration/)
  rejects('maxDuration=2d', 'maxDuration', /"2d" is not a duration/)
  rejects('minDuration=2s&maxDuration=1s', 'minDuration', /2s is above maxDuration \(1s\)/)
  rejects('status=failed', 'status', /"failed" is not one of ok, error, unset/)
  rejects('limit=1001', 'limit', /above the maximum of 1000/)
  rejects('start=soon', 'start', /not a time/)
  rejects('operation=', 'operation', /empty value/)
  assert.deepEqual(parseTraceSearch(new URLSearchParams('minDuration=250ms&maxDuration=1h30m'), T0), {
    startNs: 1_699_996_400_000_000_000n,
    endNs: 1_700_000_000_000_000_000n,
    services: [],
    operations: [],
    minDurationNs: 250_000_000n,
    maxDurationNs: 5_400_000_000_000n,
    limit: 20,
  })
})
