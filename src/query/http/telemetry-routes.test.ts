import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { DuckDBConnection } from '@duckdb/node-api'
import { pino } from 'pino'
import { ApiServer } from '../../api/index.js'
import { Authenticator, generateApiKey } from '../../auth/index.js'
import type { Scope, StoredKey } from '../../auth/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { StoreDatabase } from '../../store/index.js'
import { T0, withStore, writeLogs, writeSpans } from '../sql/testing/telemetry-fixture.js'
import { telemetryRoutes } from './telemetry-routes.js'
import type { TelemetryRouteDeps } from './telemetry-routes.js'

const SHARED_TRACE = '0af7651916cd43dd8448eb211c80319c' // in both tenants, with different spans
const OTHER_TRACE = 'b'.repeat(32) // only in tenant other
const RANGE = `start=${T0 / 1000 - 60}&end=${T0 / 1000 + 60}`

const acmeKey = generateApiKey()
const otherKey = generateApiKey()
const ingestKey = generateApiKey()
const stored = (k: { id: string; hash: string }, tenant: string, scopes: Scope[]): StoredKey => ({
  id: k.id,
  tenant,
  scopes,
  hash: k.hash,
})
const auth = new Authenticator({ mode: 'keys', keys: [], defaultTenant: 'default' }, [
  stored(acmeKey, 'acme', ['query']),
  stored(otherKey, 'other', ['query', 'ingest']),
  stored(ingestKey, 'acme', ['ingest']),
])

interface Reply {
  readonly status: number
  readonly body: {
    status: string
    data?: unknown
    errorType?: string
    error?: string
  }
}

type Get = (path: string, headers?: Record<string, string>) => Promise<Reply>

const asKey = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` })

async function serve(
  deps: Omit<TelemetryRouteDeps, 'auth' | 'clock' | 'logger' | 'limits'> & Partial<TelemetryRouteDeps>,
  fn: (get: Get) => Promise<void>,
): Promise<void> {
  const logger = pino({ level: 'silent' })
  const routes = telemetryRoutes({
    auth,
    clock: new ManualClock(T0 + 60_000),
    logger,
    limits: { timeoutMs: 10_000 },
    ...deps,
  })
  const server = new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes })
  await server.start()
  const base = `http://127.0.0.1:${server.address().port}`
  try {
    await fn(async (path, headers = {}) => {
      const res = await fetch(`${base}${path}`, { headers })
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
      return { status: res.status, body: (await res.json()) as Reply['body'] }
    })
  } finally {
    await server.shutdown()
  }
}

/** Two tenants with the same services, times and trace id; only the bodies, names and spans differ. */
async function withTelemetry(fn: (get: Get) => Promise<void>): Promise<void> {
  await withStore(async (db) => {
    for (const [i, tenant] of ['acme', 'other'].entries()) {
      const mark = tenant === 'acme' ? 'acme' : 'SECRET'
      await writeLogs(
        db,
        tenant,
        [
          {
            timeMs: T0 + 1000,
            body: `${mark} checkout started`,
            traceId: SHARED_TRACE,
            spanId: '1'.repeat(16),
          },
          { timeMs: T0 + 2000, body: `${mark} payment failed`, severityNumber: 17, severityText: 'ERROR' },
        ],
        { offset: i },
      )
      await writeSpans(
        db,
        tenant,
        [
          {
            traceId: SHARED_TRACE,
            spanId: '1'.repeat(16),
            name: `${mark} GET /checkout`,
            startMs: T0 + 1000,
          },
          {
            traceId: SHARED_TRACE,
            spanId: '2'.repeat(16),
            parentSpanId: '1'.repeat(16),
            name: `${mark} charge`,
            service: `${mark}-billing`,
            startMs: T0 + 1002,
            endMs: T0 + 1005,
            statusCode: 2,
          },
        ],
        { offset: 10 + i },
      )
    }
    await writeSpans(db, 'other', [{ traceId: OTHER_TRACE, name: 'SECRET only', startMs: T0 + 3000 }], {
      offset: 20,
    })
    await serve({ db }, fn)
  })
}

const dataOf = <T>(reply: Reply): T => {
  assert.equal(reply.status, 200, JSON.stringify(reply.body))
  assert.equal(reply.body.status, 'success')
  return reply.body.data as T
}

interface LogsData {
  logs: { body: string; traceId: string | null }[]
  nextCursor: string | null
}
interface TracesData {
  traces: { traceId: string; spanCount: number; services: string[]; rootName: string }[]
}
interface TreeNode {
  name: string
  service: string
  children: TreeNode[]
}
interface TraceData {
  traceId: string
  spanCount: number
  services: string[]
  roots: TreeNode[]
}

const names = (nodes: TreeNode[]): string[] => nodes.flatMap((n) => [n.name, ...names(n.children)])
const PATHS = [`/api/v1/logs?${RANGE}`, `/api/v1/traces?${RANGE}`, `/api/v1/traces/${SHARED_TRACE}`]

describe('telemetryRoutes', () => {
  test("each endpoint answers its own tenant's data", async () => {
    await withTelemetry(async (get) => {
      const logs = dataOf<LogsData>(await get(`/api/v1/logs?${RANGE}`, asKey(acmeKey.key)))
      assert.deepEqual(
        logs.logs.map((l) => l.body),
        ['acme payment failed', 'acme checkout started'],
      )
      assert.equal(logs.nextCursor, null)
      const page = dataOf<LogsData>(await get(`/api/v1/logs?${RANGE}&limit=1`, asKey(acmeKey.key)))
      assert.equal(page.logs.length, 1)
      assert.equal(typeof page.nextCursor, 'string')
      const errors = dataOf<LogsData>(await get(`/api/v1/logs?${RANGE}&severity=error`, asKey(otherKey.key)))
      assert.deepEqual(
        errors.logs.map((l) => l.body),
        ['SECRET payment failed'],
      )

      const search = dataOf<TracesData>(await get(`/api/v1/traces?${RANGE}`, asKey(otherKey.key)))
      assert.deepEqual(
        search.traces.map((t) => [t.traceId, t.rootName, t.spanCount]),
        [
          [OTHER_TRACE, 'SECRET only', 1],
          [SHARED_TRACE, 'SECRET GET /checkout', 2],
        ],
      )

      const tree = dataOf<TraceData>(
        await get(`/api/v1/traces/${SHARED_TRACE.toUpperCase()}`, asKey(acmeKey.key)),
      )
      assert.equal(tree.traceId, SHARED_TRACE)
      assert.equal(tree.spanCount, 2)
      assert.deepEqual(tree.services, ['acme-billing', 'api'])
      assert.deepEqual(names(tree.roots), ['acme GET /checkout', 'acme charge'])
    })
  })

  test("tenant A never reads tenant B's logs, traces or search results", async () => {
    await withTelemetry(async (get) => {
      const acme = asKey(acmeKey.key)
      const seen: string[] = []
      for (const path of [
        `/api/v1/logs?${RANGE}`,
        `/api/v1/logs?${RANGE}&trace_id=${SHARED_TRACE}`,
        `/api/v1/logs?${RANGE}&contains=SECRET`,
        `/api/v1/traces?${RANGE}`,
        `/api/v1/traces?${RANGE}&service=SECRET-billing`,
        `/api/v1/traces?${RANGE}&operation=SECRET%20only`,
        `/api/v1/traces/${SHARED_TRACE}`,
      ]) {
        const reply = await get(path, acme)
        assert.equal(reply.status, 200, path)
        seen.push(JSON.stringify(reply.body))
      }
      assert.ok(
        seen.every((text) => !text.includes('SECRET') && !text.includes(OTHER_TRACE)),
        seen.join('\n'),
      )
      const shared = dataOf<TracesData>(await get(`/api/v1/traces?${RANGE}`, acme)).traces
      assert.deepEqual(
        shared.map((t) => [t.traceId, t.spanCount, t.services]),
        [[SHARED_TRACE, 2, ['acme-billing', 'api']]],
      )

      // A trace only the other tenant has does not exist for acme.
      assert.deepEqual(await get(`/api/v1/traces/${OTHER_TRACE}`, acme), {
        status: 404,
        body: { status: 'error', errorType: 'not_found', error: `trace ${OTHER_TRACE} not found` },
      })

      // Naming the other tenant, by X-Scope-OrgID or as the Basic user, is refused on every endpoint.
      const basic = `Basic ${Buffer.from(`other:${acmeKey.key}`).toString('base64')}`
      for (const path of PATHS) {
        for (const headers of [{ ...acme, 'x-scope-orgid': 'other' }, { authorization: basic }]) {
          const reply = await get(path, headers)
          assert.equal(reply.status, 403, path)
          assert.equal(reply.body.errorType, 'forbidden')
          assert.equal(reply.body.error, `API key ${acmeKey.id} belongs to tenant "acme", not "other".`)
        }
      }
    })
  })

  test('a missing or unknown key is 401, an ingest-only key 403, on every endpoint', async () => {
    await withTelemetry(async (get) => {
      for (const path of PATHS) {
        const missing = await get(path)
        assert.equal(missing.status, 401, path)
        assert.equal(missing.body.status, 'error')
        assert.equal(missing.body.errorType, 'unauthorized')
        assert.match(missing.body.error ?? '', /An API key is required/)
        assert.equal((await get(path, asKey(`${acmeKey.key}0`))).status, 401)
        assert.deepEqual(await get(path, asKey(ingestKey.key)), {
          status: 403,
          body: {
            status: 'error',
            errorType: 'forbidden',
            error: `API key ${ingestKey.id} lacks the "query" scope.`,
          },
        })
      }
    })
  })

  test('bad parameters are 400 bad_data naming the parameter; an unknown trace 404', async () => {
    await withTelemetry(async (get) => {
      const acme = asKey(acmeKey.key)
      const cases: [string, RegExp][] = [
        ['/api/v1/logs?limit=abc', /^limit: "abc" is not a positive integer$/],
        ['/api/v1/logs?direction=sideways', /^direction: "sideways" is neither backward nor forward$/],
        ['/api/v1/logs?regex=(unclosed', /^regex: /],
        ['/api/v1/logs?start=soon', /^start: /],
        ['/api/v1/traces?status=weird', /^status: "weird" is not one of ok, error, unset$/],
        ['/api/v1/traces?minDuration=2s&maxDuration=1s', /^minDuration: 2s is above maxDuration \(1s\)$/],
        ['/api/v1/traces/not-a-trace', /^traceId: "not-a-trace" is not a trace id/],
        ['/api/v1/traces/abc%2Fdef', /^traceId: "abc\/def" is not a trace id/],
      ]
      for (const [path, message] of cases) {
        const reply = await get(path, acme)
        assert.equal(reply.status, 400, path)
        assert.equal(reply.body.status, 'error')
        assert.equal(reply.body.errorType, 'bad_data', path)
        assert.match(reply.body.error ?? '', message)
      }
      const unknown = 'C'.repeat(32)
      assert.deepEqual(await get(`/api/v1/traces/${unknown}`, acme), {
        status: 404,
        body: { status: 'error', errorType: 'not_found', error: `trace ${unknown.toLowerCase()} not found` },
      })
    })
  })

  test('concurrent requests each run on their own connection', async () => {
    await withTelemetry(async (get) => {
      const replies = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          get(PATHS[i % PATHS.length] ?? '', asKey(i % 2 ? acmeKey.key : otherKey.key)),
        ),
      )
      assert.deepEqual(
        replies.map((r) => r.status),
        replies.map(() => 200),
      )
    })
  })

  test('a timeout is 503 timeout and a failure 500 internal; the connection is closed either way', async () => {
    let closed = 0
    let failRun: ((err: Error) => void) | undefined
    const hanging = {
      runAndReadAll: () => new Promise((_resolve, reject) => (failRun = reject)),
      interrupt: () => failRun?.(new Error('INTERRUPT Error: Interrupted!')),
      closeSync: () => closed++,
    } as unknown as DuckDBConnection
    const db = { connect: () => Promise.resolve(hanging) } as unknown as StoreDatabase
    await serve({ db, limits: { timeoutMs: 20 } }, async (get) => {
      const reply = await get(`/api/v1/traces/${SHARED_TRACE}`, asKey(acmeKey.key))
      assert.equal(reply.status, 503)
      assert.equal(reply.body.errorType, 'timeout')
      assert.match(reply.body.error ?? '', /^query timed out after 20 ms and was cancelled; /)
      assert.equal(closed, 1)
    })

    const logged: unknown[] = []
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) })
    const broken = {
      connect: () => Promise.reject(new Error('the disk is gone')),
    } as unknown as StoreDatabase
    await serve({ db: broken, logger }, async (get) => {
      assert.deepEqual(await get(`/api/v1/logs?${RANGE}`, asKey(acmeKey.key)), {
        status: 500,
        body: {
          status: 'error',
          errorType: 'internal',
          error: 'The query failed with an internal error; see the server log.',
        },
      })
    })
    assert.equal(logged.length, 1)
    assert.match(JSON.stringify(logged[0]), /the disk is gone/)
    assert.match(JSON.stringify(logged[0]), /"tenant":"acme"/)
  })
})
