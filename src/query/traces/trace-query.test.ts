import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { StoreDatabase } from '../../store/duckdb/store-database.js'
import { QueryParamError } from '../sql/query-error.js'
import { T0, withStore, writeSpans } from '../sql/testing/telemetry-fixture.js'
import type { SpanNode } from './span-node.js'
import { getTrace } from './trace-query.js'

const A = 'a'.repeat(32)
const D = 'd'.repeat(32)
const OPTS = { timeoutMs: 10_000 }

async function seed(db: StoreDatabase): Promise<void> {
  await writeSpans(db, 'acme', [
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
      kind: 3,
      startMs: T0 + 10,
      startNanos: 5,
      endMs: T0 + 300,
      statusCode: 2,
      statusMessage: 'declined',
      traceState: 'v=1',
      attributes: ['http.status_code', '402'],
      events: [{ name: 'retry', timeMs: T0 + 100, timeNanos: 7, attributes: ['attempt', '2'] }],
      links: [{ traceId: 'f'.repeat(32), spanId: 'l1', traceState: '', attributes: ['k', 'v'] }],
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
  ])
  await writeSpans(
    db,
    'acme',
    [
      {
        traceId: A,
        spanId: 'c2',
        parentSpanId: 'r',
        service: 'checkout',
        name: 'SELECT',
        startMs: T0 + 5,
        endMs: T0 + 50,
      },
      { traceId: A, spanId: 'o1', parentSpanId: 'missing', service: 'cache', name: 'get', startMs: T0 + 100 },
    ],
    { partition: 1, offset: 3 },
  )
  await writeSpans(db, 'other', [
    { traceId: A, spanId: 'evil', service: 'intruder', startMs: T0 - 1000, endMs: T0 + 9000 },
    { traceId: D, spanId: 'd1', service: 'intruder' },
  ])
}

const ids = (nodes: readonly SpanNode[]): unknown[] =>
  nodes.map((n) => [
    n.orphan ? `${n.spanId}!` : n.spanId,
    ...(n.children.length > 0 ? [ids(n.children)] : []),
  ])

test('a trace comes back as a tree: children by start time, orphans as flagged roots', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    const t = await getTrace(c, 'acme', A, OPTS)
    assert.ok(t !== undefined)
    assert.deepEqual(ids(t.roots), [['r', [['c2'], ['c1', [['g1']]]]], ['o1!']])
    assert.deepEqual(
      { ...t, roots: undefined },
      {
        traceId: A,
        spanCount: 5,
        startTime: '2023-11-14T22:13:20.000000000Z',
        startTimeUnixNano: '1700000000000000000',
        durationNs: 500_000_000,
        services: ['billing', 'cache', 'checkout', 'frontend'],
        roots: undefined,
        truncated: false,
      },
    )
    const c1 = t.roots[0]!.children[1]!
    assert.deepEqual(
      { ...c1, children: c1.children.map((n) => n.spanId) },
      {
        spanId: 'c1',
        parentSpanId: 'r',
        traceState: 'v=1',
        name: 'POST /pay',
        service: 'checkout',
        kind: 'client',
        startTime: '2023-11-14T22:13:20.010000005Z',
        startTimeUnixNano: '1700000000010000005',
        endTime: '2023-11-14T22:13:20.300000000Z',
        endTimeUnixNano: '1700000000300000000',
        durationNs: 289_999_995,
        statusCode: 'error',
        statusMessage: 'declined',
        attributes: { 'http.status_code': '402' },
        resource: { 'service.name': 'checkout' },
        scope: '',
        events: [
          {
            name: 'retry',
            time: '2023-11-14T22:13:20.100000007Z',
            timeUnixNano: '1700000000100000007',
            attributes: { attempt: '2' },
          },
        ],
        links: [{ traceId: 'f'.repeat(32), spanId: 'l1', traceState: '', attributes: { k: 'v' } }],
        orphan: false,
        children: ['g1'],
      },
    )
    assert.equal(t.roots[0]!.parentSpanId, null)
    assert.equal(t.roots[0]!.statusCode, 'ok')
    assert.doesNotThrow(() => JSON.stringify(t))
  })
})

test('trace ids are case-insensitive; malformed ones are 400s; unknown ones are undefined', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    assert.equal((await getTrace(c, 'acme', A.toUpperCase(), OPTS))?.traceId, A)
    assert.equal(await getTrace(c, 'acme', 'e'.repeat(32), OPTS), undefined)
    for (const bad of ['abc', 'g'.repeat(32), 'a'.repeat(33), '']) {
      await assert.rejects(
        getTrace(c, 'acme', bad, OPTS),
        (err: unknown) =>
          err instanceof QueryParamError &&
          err.param === 'traceId' &&
          /expected 32 hexadecimal/.test(err.message),
      )
    }
  })
})

test("tenant isolation: a tenant never sees another tenant's spans, even of the same trace id", async () => {
  await withStore(async (db, c) => {
    await seed(db)
    const acme = await getTrace(c, 'acme', A, OPTS)
    assert.ok(acme !== undefined && !acme.services.includes('intruder'))
    assert.equal(acme.spanCount, 5)
    assert.equal(await getTrace(c, 'acme', D, OPTS), undefined)
    const other = await getTrace(c, 'other', A, OPTS)
    assert.deepEqual(ids(other?.roots ?? []), [['evil']])
    assert.equal(other?.durationNs, 10_000_000_000)
  })
})

test('a trace above maxSpans returns its first spans by start time, flagged truncated', async () => {
  await withStore(async (db, c) => {
    await seed(db)
    const t = await getTrace(c, 'acme', A, { ...OPTS, maxSpans: 3 })
    assert.ok(t !== undefined)
    assert.equal(t.truncated, true)
    assert.equal(t.spanCount, 5)
    assert.deepEqual(ids(t.roots), [['r', [['c2'], ['c1']]]])
    assert.deepEqual(t.services, ['billing', 'cache', 'checkout', 'frontend'])
    assert.equal((await getTrace(c, 'acme', A, { ...OPTS, maxSpans: 5 }))?.truncated, false)
  })
})

test('a parent cycle in stored data still gives a finite tree', async () => {
  await withStore(async (db, c) => {
    await writeSpans(db, 'acme', [
      { traceId: D, spanId: 'p', parentSpanId: 'q', startMs: T0 },
      { traceId: D, spanId: 'q', parentSpanId: 'p', startMs: T0 + 1 },
    ])
    const t = await getTrace(c, 'acme', D, OPTS)
    assert.deepEqual(ids(t?.roots ?? []), [['q!', [['p']]]])
  })
})
