import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { ApiServer } from '../../api/index.js'
import type { Route } from '../../api/index.js'
import { Authenticator, generateApiKey } from '../../auth/index.js'
import type { AuthConfig, Scope } from '../../auth/index.js'
import { QueryParamError, QueryTimeoutError } from '../sql/index.js'
import { authorizeQuery } from './query-auth.js'
import { promErrorOf, readQueryParams, sendPromError, sendPromSuccess } from './respond.js'

const logger = pino({ level: 'silent' })

async function withServer(routes: readonly Route[], fn: (base: string) => Promise<void>): Promise<void> {
  const server = new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes })
  await server.start()
  try {
    await fn(`http://127.0.0.1:${server.address().port}`)
  } finally {
    await server.shutdown()
  }
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init)
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  return { status: res.status, body: await res.json() }
}

describe('readQueryParams', () => {
  const echo: Route['handle'] = async (req, res) => {
    try {
      const params = await readQueryParams(req, { maxBodyBytes: 64 })
      sendPromSuccess(res, JSON.stringify([...params]))
    } catch (err) {
      const e = promErrorOf(err)
      if (e === undefined) throw err
      sendPromError(res, e.status, e.errorType, e.message)
    }
  }
  const routes: Route[] = [
    { method: 'GET', path: '/q', handle: echo },
    { method: 'POST', path: '/q', handle: echo },
  ]
  const form = { 'content-type': 'application/x-www-form-urlencoded' }

  test('GET reads the query string only', async () => {
    await withServer(routes, async (base) => {
      assert.deepEqual(await call(`${base}/q?query=up&x=a%20b&x=c+d`), {
        status: 200,
        body: {
          status: 'success',
          data: [
            ['query', 'up'],
            ['x', 'a b'],
            ['x', 'c d'],
          ],
        },
      })
    })
  })

  test('POST merges the form body, then the query string', async () => {
    await withServer(routes, async (base) => {
      const res = await call(`${base}/q?start=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: 'query=sum(rate(x%7Bjob%3D%22a%22%7D[5m]))&end=2',
      })
      assert.deepEqual(res, {
        status: 200,
        body: {
          status: 'success',
          data: [
            ['query', 'sum(rate(x{job="a"}[5m]))'],
            ['end', '2'],
            ['start', '1'],
          ],
        },
      })
      // URLSearchParams as a fetch body is sent as a form.
      const viaFetch = await call(`${base}/q`, { method: 'POST', body: new URLSearchParams({ a: 'é' }) })
      assert.deepEqual(viaFetch.body, { status: 'success', data: [['a', 'é']] })
      // An empty POST without Content-Type (curl -X POST) is fine.
      assert.deepEqual(await call(`${base}/q?a=1`, { method: 'POST' }), {
        status: 200,
        body: { status: 'success', data: [['a', '1']] },
      })
    })
  })

  test('a body over the limit is 413, another content type or an encoding 415', async () => {
    await withServer(routes, async (base) => {
      const big = await call(`${base}/q`, { method: 'POST', headers: form, body: `q=${'x'.repeat(100)}` })
      assert.equal(big.status, 413)
      assert.deepEqual(Object.keys(big.body as object), ['status', 'errorType', 'error'])
      assert.match(
        (big.body as { error: string }).error,
        /larger than the query limit of 64 bytes; send fewer or shorter parameters/,
      )
      const chunked = await call(`${base}/q`, {
        method: 'POST',
        headers: form,
        body: new ReadableStream({
          start(ctl) {
            for (let i = 0; i < 10; i++) ctl.enqueue(new TextEncoder().encode('q=0123456789&'))
            ctl.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      assert.equal(chunked.status, 413)

      const json = await call(`${base}/q`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"up"}',
      })
      assert.deepEqual(json, {
        status: 415,
        body: {
          status: 'error',
          errorType: 'bad_data',
          error:
            'Content-Type application/json is not supported: send parameters in the URL, or POST them as application/x-www-form-urlencoded (not compressed).',
        },
      })
      const gzip = await call(`${base}/q`, {
        method: 'POST',
        headers: { ...form, 'content-encoding': 'gzip' },
        body: 'q=1',
      })
      assert.equal(gzip.status, 415)
      const untyped = await call(`${base}/q`, { method: 'POST', body: new Blob(['q=1']) })
      assert.equal(untyped.status, 415)
      assert.match((untyped.body as { error: string }).error, /^a body without Content-Type is not supported/)
    })
  })
})

describe('sendPromSuccess, promErrorOf', () => {
  test('the data text is embedded as is', async () => {
    const route: Route = {
      method: 'GET',
      path: '/s',
      handle: (_req, res) => sendPromSuccess(res, '{"a":[1,"2"]}'),
    }
    await withServer([route], async (base) => {
      const res = await fetch(`${base}/s`)
      assert.equal(res.status, 200)
      assert.equal(await res.text(), '{"status":"success","data":{"a":[1,"2"]}}')
    })
  })

  test('parameter errors are 400 bad_data, timeouts 503 timeout, the rest unknown', () => {
    assert.deepEqual(promErrorOf(new QueryParamError('limit', 'must be at least 1')), {
      status: 400,
      errorType: 'bad_data',
      message: 'limit: must be at least 1',
    })
    const timeout = promErrorOf(new QueryTimeoutError(250, 'narrow it'))
    assert.equal(timeout?.status, 503)
    assert.equal(timeout?.errorType, 'timeout')
    assert.match(timeout?.message ?? '', /after 250 ms.*narrow it$/)
    assert.equal(promErrorOf(new Error('boom')), undefined)
  })
})

describe('authorizeQuery', () => {
  const acme = generateApiKey()
  const ingestOnly = generateApiKey()
  const admin = generateApiKey()
  const stored = (k: { id: string; hash: string }, tenant: string, scopes: Scope[]) => ({
    id: k.id,
    tenant,
    scopes,
    hash: k.hash,
  })
  const keysConfig: AuthConfig = { mode: 'keys', keys: [], defaultTenant: 'default' }
  const keysAuth = new Authenticator(keysConfig, [
    stored(acme, 'acme', ['query']),
    stored(ingestOnly, 'acme', ['ingest']),
    stored(admin, 'ops', ['admin']),
  ])
  const whoRoute = (auth: Authenticator): Route => ({
    method: 'GET',
    path: '/who',
    handle: (req, res) => {
      const principal = authorizeQuery(auth, req, res)
      if (principal !== undefined) sendPromSuccess(res, JSON.stringify(principal))
    },
  })
  const bearer = (key: string, org?: string): Record<string, string> => ({
    authorization: `Bearer ${key}`,
    ...(org === undefined ? {} : { 'x-scope-orgid': org }),
  })

  test('keys mode: the key decides the tenant; failures in the Prometheus error shape', async () => {
    await withServer([whoRoute(keysAuth)], async (base) => {
      const who = (headers: Record<string, string>) => call(`${base}/who`, { headers })
      assert.deepEqual(await who(bearer(acme.key)), {
        status: 200,
        body: { status: 'success', data: { tenant: 'acme', keyId: acme.id } },
      })
      const basic = `Basic ${Buffer.from(`acme:${acme.key}`).toString('base64')}`
      assert.equal(
        ((await who({ authorization: basic })).body as { data: { tenant: string } }).data.tenant,
        'acme',
      )
      assert.deepEqual((await who(bearer(admin.key, 'acme'))).body, {
        status: 'success',
        data: { tenant: 'acme', keyId: admin.id },
      })

      const missing = await fetch(`${base}/who`)
      assert.equal(missing.status, 401)
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="vigil"')
      assert.deepEqual(await missing.json(), {
        status: 'error',
        errorType: 'unauthorized',
        error:
          'An API key is required: send "Authorization: Bearer <key>" (or Basic auth with the key as password).',
      })
      assert.deepEqual(await who(bearer(`${acme.key}x`)), {
        status: 401,
        body: {
          status: 'error',
          errorType: 'unauthorized',
          error: 'The API key is not valid (unknown or revoked).',
        },
      })
      assert.deepEqual(await who(bearer(ingestOnly.key)), {
        status: 403,
        body: {
          status: 'error',
          errorType: 'forbidden',
          error: `API key ${ingestOnly.id} lacks the "query" scope.`,
        },
      })
      assert.deepEqual(await who(bearer(acme.key, 'other')), {
        status: 403,
        body: {
          status: 'error',
          errorType: 'forbidden',
          error: `API key ${acme.id} belongs to tenant "acme", not "other".`,
        },
      })
      const badOrg = await who(bearer(acme.key, 'no/slashes'))
      assert.equal(badOrg.status, 400)
      assert.equal((badOrg.body as { errorType: string }).errorType, 'bad_data')
    })
  })

  test('none mode: X-Scope-OrgID or the default tenant', async () => {
    const auth = new Authenticator({ mode: 'none', keys: [], defaultTenant: 'dev' }, [])
    await withServer([whoRoute(auth)], async (base) => {
      assert.deepEqual((await call(`${base}/who`)).body, {
        status: 'success',
        data: { tenant: 'dev', keyId: '' },
      })
      assert.deepEqual((await call(`${base}/who`, { headers: { 'x-scope-orgid': 'acme' } })).body, {
        status: 'success',
        data: { tenant: 'acme', keyId: '' },
      })
    })
  })
})
