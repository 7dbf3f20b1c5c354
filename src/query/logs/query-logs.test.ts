import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DuckDBConnection } from '@duckdb/node-api'
import { QueryParamError, QueryTimeoutError } from '../sql/query-error.js'
import { T0, withStore, writeLogs } from '../sql/testing/telemetry-fixture.js'
import type { TestLog } from '../sql/testing/telemetry-fixture.js'
import { parseLogQuery, queryLogs } from './log-query.js'
import type { LogPage } from './log-query.js'

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const RANGE = `start=${T0 / 1000}&end=${(T0 + 10_000) / 1000}`
const OPTS = { timeoutMs: 10_000 }

const LOGS: TestLog[] = [
  {
    timeMs: T0 + 1000,
    service: 'api',
    severityNumber: 9,
    severityText: 'INFO',
    body: 'GET /users ok',
    attributes: ['http.method', 'GET'],
    resourceAttrs: ['service.name', 'api', 'host.name', 'h1'],
    traceId: TRACE,
    spanId: 'b7ad6b7169203331',
  },
  {
    timeMs: T0 + 2000,
    service: 'billing',
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'payment declined: card expired',
    attributes: ['http.method', 'POST', 'code', '402'],
    resourceAttrs: ['service.name', 'billing', 'host.name', 'h2'],
  },
  {
    timeMs: T0 + 3000,
    service: 'api',
    severityNumber: 13,
    severityText: 'WARN',
    body: 'slow request GET /orders',
    attributes: ['http.method', 'GET', 'retry', '1'],
    resourceAttrs: ['service.name', 'api', 'host.name', 'h1'],
  },
  {
    timeMs: T0 + 4000,
    service: 'worker',
    severityNumber: 5,
    severityText: 'DEBUG',
    body: 'Payment job started',
  },
]
// Another tenant with the same services, times and bodies, and one of its own.
const OTHER: TestLog[] = [...LOGS, { timeMs: T0 + 2500, service: 'api', body: 'SECRET of tenant other' }]

async function seed(fn: (c: DuckDBConnection) => Promise<void>): Promise<void> {
  await withStore(async (db, c) => {
    await writeLogs(db, 'acme', LOGS, { offset: 0 })
    await writeLogs(db, 'other', OTHER, { offset: 1 })
    await db.connection.run("UPDATE logs SET template_id = 42 WHERE body LIKE 'payment%' AND tenant = 'acme'")
    await fn(c)
  })
}

/** Runs the query string `qs`, over RANGE unless it has its own. */
async function run(c: DuckDBConnection, qs: string, tenant = 'acme'): Promise<LogPage> {
  const params = new URLSearchParams(qs)
  for (const [k, v] of new URLSearchParams(RANGE)) if (!params.has(k)) params.set(k, v)
  return queryLogs(c, tenant, parseLogQuery(params, T0 + 60_000), OPTS)
}

async function bodies(c: DuckDBConnection, qs: string, tenant = 'acme'): Promise<string[]> {
  return (await run(c, qs, tenant)).logs.map((l) => l.body)
}

const [L1, L2, L3, L4] = LOGS.map((l) => l.body!) as [string, string, string, string]

test('a log entry carries every field, JSON-ready', async () => {
  await seed(async (c) => {
    const page = await run(c, `trace_id=${TRACE}`)
    assert.deepEqual(page, {
      logs: [
        {
          time: '2023-11-14T22:13:21.000000000Z',
          timeUnixNano: '1700000001000000000',
          observedTime: '2023-11-14T22:13:20.000000000Z',
          service: 'api',
          severityNumber: 9,
          severityText: 'INFO',
          body: L1,
          attributes: { 'http.method': 'GET' },
          resource: { 'service.name': 'api', 'host.name': 'h1' },
          scope: 'lib@1.0',
          traceId: TRACE,
          spanId: 'b7ad6b7169203331',
          templateId: null,
        },
      ],
      nextCursor: null,
    })
    assert.doesNotThrow(() => JSON.stringify(page))
    assert.equal((await run(c, 'template=42')).logs[0]!.templateId, '42')
    assert.equal((await run(c, 'contains=Payment')).logs[0]!.traceId, null)
  })
})

test('each filter alone', async () => {
  await seed(async (c) => {
    assert.deepEqual(await bodies(c, ''), [L4, L3, L2, L1])
    assert.deepEqual(await bodies(c, 'direction=forward'), [L1, L2, L3, L4])
    assert.deepEqual(await bodies(c, 'service=api'), [L3, L1])
    assert.deepEqual(await bodies(c, 'service=api&service=worker'), [L4, L3, L1])
    assert.deepEqual(await bodies(c, 'severity=warn'), [L3, L2])
    assert.deepEqual(await bodies(c, 'severity=17'), [L2])
    assert.deepEqual(await bodies(c, 'attr=http.method%3DGET'), [L3, L1])
    assert.deepEqual(await bodies(c, 'attr=http.method!%3DGET'), [L4, L2]) // absent reads as ''
    assert.deepEqual(await bodies(c, 'attr=http.method%3D~P.*'), [L2])
    assert.deepEqual(await bodies(c, 'attr=http.method%3D~P'), []) // anchored
    assert.deepEqual(await bodies(c, 'attr=http.method!~G.*'), [L4, L2])
    assert.deepEqual(await bodies(c, 'attr=code%3D'), [L4, L3, L1])
    assert.deepEqual(await bodies(c, 'attr=resource.host.name%3Dh2'), [L2])
    assert.deepEqual(await bodies(c, 'attr=resource.service.name%3D~api%7Cbilling'), [L3, L2, L1])
    assert.deepEqual(await bodies(c, 'attr=host.name%3Dh2'), []) // a log attribute, not the resource's
    assert.deepEqual(await bodies(c, 'contains=ayment'), [L4, L2])
    assert.deepEqual(await bodies(c, 'contains=payment'), [L2]) // case-sensitive
    assert.deepEqual(await bodies(c, 'regex=(%3Fi)payment'), [L4, L2])
    assert.deepEqual(await bodies(c, 'regex=GET%20%2F%5Cw%2B%24'), [L3])
    assert.deepEqual(await bodies(c, `trace_id=${TRACE.toUpperCase()}`), [L1])
    assert.deepEqual(await bodies(c, 'template=42'), [L2])
    assert.deepEqual(await bodies(c, 'template=7'), [])
    assert.deepEqual(await bodies(c, 'limit=2'), [L4, L3])
  })
})

test('the time range is inclusive at both ends, to the nanosecond', async () => {
  await withStore(async (db, c) => {
    await writeLogs(db, 'acme', [
      { timeMs: T0, timeNanos: 499, body: 'a' },
      { timeMs: T0, timeNanos: 500, body: 'b' },
      { timeMs: T0 + 1, timeNanos: 0, body: 'c' },
    ])
    const q = async (start: string, end: string) =>
      (
        await queryLogs(
          c,
          'acme',
          parseLogQuery(new URLSearchParams({ start, end, direction: 'forward' }), T0),
          OPTS,
        )
      ).logs.map((l) => l.body)
    assert.deepEqual(await q('1700000000.000000500', '1700000000.001'), ['b', 'c'])
    assert.deepEqual(await q('1700000000', '1700000000.000000499'), ['a'])
    assert.deepEqual(await q('2023-11-14T22:13:20.0000005Z', '2023-11-14T22:13:20.0000005Z'), ['b'])
    assert.deepEqual(await bodiesIn(c, 'start=1700000000.0011'), [])
  })
})

async function bodiesIn(c: DuckDBConnection, qs: string): Promise<string[]> {
  return (await queryLogs(c, 'acme', parseLogQuery(new URLSearchParams(qs), T0 + 1000), OPTS)).logs.map(
    (l) => l.body,
  )
}

test('filters combine with AND', async () => {
  await seed(async (c) => {
    assert.deepEqual(await bodies(c, 'service=api&severity=warn&attr=http.method%3DGET&contains=orders'), [
      L3,
    ])
    assert.deepEqual(await bodies(c, 'service=api&severity=error'), [])
    assert.deepEqual(await bodies(c, 'service=billing&regex=card&attr=code%3D402&template=42'), [L2])
    assert.deepEqual(await bodies(c, `service=api&start=${(T0 + 2000) / 1000}&end=${(T0 + 3000) / 1000}`), [
      L3,
    ])
  })
})

test("tenant isolation: a tenant never sees another tenant's logs", async () => {
  await seed(async (c) => {
    assert.deepEqual(await bodies(c, 'contains=SECRET'), [])
    assert.deepEqual(await bodies(c, 'contains=SECRET', 'other'), ['SECRET of tenant other'])
    assert.equal((await run(c, 'limit=1000')).logs.length, 4)
    assert.equal((await run(c, 'limit=1000', 'other')).logs.length, 5)
    assert.deepEqual(await bodies(c, 'service=api'), [L3, L1])
    assert.deepEqual(await bodies(c, '', 'nobody'), [])
    // A tenant name that looks like SQL is just a value.
    assert.deepEqual(await bodies(c, '', "acme' OR '1'='1"), [])
  })
})

test('bad regexes are 400s naming the parameter; RE2 refuses look-around', async () => {
  await seed(async (c) => {
    for (const [qs, param] of [
      ['regex=(unclosed', 'regex'],
      ['regex=(%3F%3Dahead)', 'regex'],
      ['attr=path%3D~(%5Cd', 'attr'],
      ['attr=path!~a%5C1', 'attr'],
    ] as const) {
      await assert.rejects(run(c, qs), (err: unknown) => {
        assert.ok(err instanceof QueryParamError, String(err))
        assert.equal(err.param, param)
        assert.match(err.message, /is not a valid RE2 regular expression: .+/)
        return true
      })
    }
  })
})

test('keyset paging never skips or repeats rows, even when many share a timestamp', async () => {
  await withStore(async (db, c) => {
    const same = (n: number, tag: string, timeNanos = 0): TestLog[] =>
      Array.from({ length: n }, (_, i) => ({ timeMs: T0 + 500, timeNanos, body: `${tag}-${i}` }))
    await writeLogs(db, 'acme', same(10, 'p0o0'), { partition: 0, offset: 0 })
    await writeLogs(db, 'other', same(10, 'x'), { partition: 0, offset: 0 })
    await writeLogs(db, 'acme', same(10, 'p1o0'), { partition: 1, offset: 0 })
    await writeLogs(db, 'acme', [...same(4, 'p0o1'), ...same(3, 'p0o1n', 7)], { partition: 0, offset: 1 })
    await writeLogs(
      db,
      'acme',
      [
        { timeMs: T0 + 100, body: 'early' },
        { timeMs: T0 + 900, body: 'late' },
      ],
      {
        partition: 2,
        offset: 5,
      },
    )
    const total = 10 + 10 + 7 + 2
    for (const direction of ['backward', 'forward'] as const) {
      const all = await bodiesIn(c, `start=${T0 / 1000}&direction=${direction}&limit=1000`)
      assert.equal(all.length, total)
      for (const limit of [1, 3, 7, 29, 30]) {
        const seen: string[] = []
        let cursor: string | null = null
        let pages = 0
        do {
          const qs = new URLSearchParams({ start: `${T0 / 1000}`, direction, limit: String(limit) })
          if (cursor !== null) qs.set('cursor', cursor)
          const page = await queryLogs(c, 'acme', parseLogQuery(qs, T0 + 1000), OPTS)
          assert.ok(page.logs.length <= limit)
          seen.push(...page.logs.map((l) => l.body))
          cursor = page.nextCursor
          pages++
        } while (cursor !== null)
        assert.deepEqual(seen, all, `${direction} limit=${limit}`)
        assert.equal(pages, Math.ceil(total / limit), 'the last full page says there is no next one')
      }
    }
    const backward = await bodiesIn(c, `start=${T0 / 1000}&limit=1000`)
    const forward = await bodiesIn(c, `start=${T0 / 1000}&limit=1000&direction=forward`)
    assert.deepEqual(forward, [...backward].reverse())
    assert.deepEqual(backward.slice(0, 4), ['late', 'p0o1n-2', 'p0o1n-1', 'p0o1n-0'])
    assert.ok(!backward.some((b) => b.startsWith('x-')))
  })
})

test('a log query is cancelled at its timeout with a 503', async () => {
  await withStore(async (db, c) => {
    await db.connection
      .run(`INSERT INTO logs SELECT 'acme', ${T0} + range % 1000, 0, ${T0}, 'bulk', 9, 'INFO',
      'bulk line ' || range, MAP {}, MAP {}, '', '', '', 0, NULL, 0, range, 0 FROM range(1000000)`)
    const q = parseLogQuery(
      new URLSearchParams({ start: `${T0 / 1000}`, regex: '(a|b|c)+x[0-9]{3}$' }),
      T0 + 1000,
    )
    await assert.rejects(queryLogs(c, 'acme', q, { timeoutMs: 5 }), (err: unknown) => {
      assert.ok(err instanceof QueryTimeoutError, String(err))
      assert.match(err.message, /timed out after 5 ms.*narrow the query: a shorter time range/)
      return true
    })
    assert.equal((await queryLogs(c, 'acme', { ...q, limit: 1 }, OPTS)).logs.length, 0)
  })
})
