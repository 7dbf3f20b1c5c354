import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { ApiServer, openapiDocument } from '../../api/index.js'
import { ResponseValidator } from '../../api/openapi/testing/openapi-checks.js'
import { Authenticator, generateApiKey } from '../../auth/index.js'
import type { Scope, StoredKey } from '../../auth/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { SERIES_CPU_A, anomalyRow, writeAnomalies } from '../anomalies/testing/anomaly-fixture.js'
import { T0, withStore } from '../sql/testing/telemetry-fixture.js'
import { telemetryRoutes } from './telemetry-routes.js'

const PATH = '/api/v1/anomalies'
const RANGE = `start=${T0 / 1000}&end=${(T0 + 60_000) / 1000}`

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
  stored(otherKey, 'other', ['query']),
  stored(ingestKey, 'acme', ['ingest']),
])
const asKey = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` })
const validator = new ResponseValidator(openapiDocument({ version: '0' }), { closed: true })

interface Reply {
  readonly status: number
  readonly body: { status: string; data?: unknown; errorType?: string; error?: string }
  readonly text: string
}
type Get = (path: string, headers?: Record<string, string>) => Promise<Reply>

interface AnomaliesData {
  anomalies: { key: string; feature: string; value: unknown; labels: Record<string, string> }[]
  nextCursor: string | null
}

/**
 * Two tenants with the same keys and times; the other tenant's rows carry SECRET in their feature
 * and labels. Every answer is checked against the OpenAPI document (closed schemas).
 */
async function withAnomalies(fn: (get: Get) => Promise<void>): Promise<void> {
  await withStore(async (db) => {
    await writeAnomalies(db, [
      anomalyRow(T0 + 10_000, { value: 1 }),
      anomalyRow(T0 + 20_000, { value: NaN, score: NaN, levelZ: -Infinity, alert: false }),
      anomalyRow(T0 + 30_000, { source: 'red', key: 'checkout\u0000POST /pay', feature: 'p99_ms', value: 3 }),
    ])
    await writeAnomalies(
      db,
      [10_000, 20_000, 30_000].map((dt) =>
        anomalyRow(T0 + dt, {
          tenant: 'other',
          key: `${SERIES_CPU_A}\u0000secret\u0000SECRET`,
          feature: 'SECRET',
          value: 99,
        }),
      ),
      { offset: 1 },
    )
    const logger = pino({ level: 'silent' })
    const routes = telemetryRoutes({
      db,
      auth,
      clock: new ManualClock(T0 + 60_000),
      logger,
      limits: { timeoutMs: 10_000 },
    })
    const server = new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes })
    await server.start()
    const base = `http://127.0.0.1:${server.address().port}`
    try {
      await fn(async (path, headers = {}) => {
        const res = await fetch(`${base}${path}`, { headers })
        const text = await res.text()
        const contentType = res.headers.get('content-type') ?? ''
        assert.deepEqual(validator.check('GET', PATH, res.status, contentType, text), [], path)
        return { status: res.status, body: JSON.parse(text) as Reply['body'], text }
      })
    } finally {
      await server.shutdown()
    }
  })
}

const dataOf = (reply: Reply): AnomaliesData => {
  assert.equal(reply.status, 200, reply.text)
  assert.equal(reply.body.status, 'success')
  return reply.body.data as AnomaliesData
}

describe('GET /api/v1/anomalies', () => {
  test("answers the caller's tenant's anomalies, newest first, as documented", async () => {
    await withAnomalies(async (get) => {
      const acme = dataOf(await get(`${PATH}?${RANGE}`, asKey(acmeKey.key)))
      assert.deepEqual(
        acme.anomalies.map((a) => [a.feature, a.value, a.labels]),
        [
          ['p99_ms', 3, { service: 'checkout', operation: 'POST /pay' }],
          ['mean', 'NaN', { __name__: 'cpu', host: 'a' }],
          ['mean', 1, { __name__: 'cpu', host: 'a' }],
        ],
      )
      assert.equal(acme.nextCursor, null)
      // The raw JSON: NaN and -Infinity as strings, never bare NaN (not JSON).
      assert.match((await get(`${PATH}?${RANGE}&alert=false`, asKey(acmeKey.key))).text, /"levelZ":"-Inf"/)
      const first = dataOf(await get(`${PATH}?${RANGE}&limit=2`, asKey(acmeKey.key)))
      assert.equal(first.anomalies.length, 2)
      const rest = dataOf(
        await get(`${PATH}?${RANGE}&limit=2&cursor=${first.nextCursor}`, asKey(acmeKey.key)),
      )
      assert.deepEqual(
        rest.anomalies.map((a) => a.value),
        [1],
      )
      const other = dataOf(await get(`${PATH}?${RANGE}`, asKey(otherKey.key)))
      assert.deepEqual(
        other.anomalies.map((a) => a.value),
        [99, 99, 99],
      )
    })
  })

  test("tenant A never sees tenant B's anomalies, whatever it filters on", async () => {
    await withAnomalies(async (get) => {
      const acme = asKey(acmeKey.key)
      const seen: string[] = []
      for (const qs of [
        RANGE,
        `${RANGE}&feature=SECRET`,
        `${RANGE}&match=${encodeURIComponent('{secret="SECRET"}')}`,
        `${RANGE}&key=${encodeURIComponent(`${SERIES_CPU_A}\u0000secret\u0000SECRET`)}`,
        `${RANGE}&min_score=0&limit=10000`,
        `start=0&end=${T0 / 1000 + 86_400}`,
      ]) {
        const reply = await get(`${PATH}?${qs}`, acme)
        assert.equal(reply.status, 200, qs)
        seen.push(reply.text)
      }
      assert.ok(
        seen.every((text) => !text.includes('SECRET') && !text.includes('"value":99')),
        seen.join('\n'),
      )
      // Naming the other tenant, by X-Scope-OrgID or as the Basic user, is refused.
      const basic = `Basic ${Buffer.from(`other:${acmeKey.key}`).toString('base64')}`
      for (const headers of [{ ...acme, 'x-scope-orgid': 'other' }, { authorization: basic }]) {
        const reply = await get(`${PATH}?${RANGE}`, headers)
        assert.equal(reply.status, 403)
        assert.equal(reply.body.error, `API key ${acmeKey.id} belongs to tenant "acme", not "other".`)
      }
      assert.equal((await get(PATH)).status, 401)
      assert.equal((await get(PATH, asKey(ingestKey.key))).status, 403)
    })
  })

  test('bad parameters are 400 bad_data naming the parameter', async () => {
    await withAnomalies(async (get) => {
      const cases: [string, RegExp][] = [
        ['min_score=2', /^min_score: "2" is not a score/],
        ['alert=maybe', /^alert: "maybe" is neither true nor false$/],
        ['match=cpu%7B', /^match: "cpu\{": /],
        ['match=cpu%5B5m%5D', /^match: "cpu\[5m\]" is not a series selector/],
        ['limit=20000', /^limit: 20000 is above the maximum of 10000$/],
        ['cursor=nope', /^cursor: is not a cursor returned by this API/],
        ['end=yesterday', /^end: "yesterday" is not a time/],
      ]
      for (const [qs, message] of cases) {
        const reply = await get(`${PATH}?${qs}`, asKey(acmeKey.key))
        assert.equal(reply.status, 400, qs)
        assert.equal(reply.body.errorType, 'bad_data', qs)
        assert.match(reply.body.error ?? '', message, qs)
      }
    })
  })
})
