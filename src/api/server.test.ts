import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import { Counter, Registry } from 'prom-client'
import { errorCode } from '../core/index.js'
import { ApiListenError } from './errors.js'
import { sendJson } from './respond.js'
import type { Route } from './route.js'
import { healthRoutes } from './routes/health.js'
import type { Readiness } from './routes/health.js'
import { metricsRoute } from './routes/metrics.js'
import { ApiServer } from './server.js'

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

describe('ApiServer', () => {
  test('/healthz is 200 and /readyz follows readiness with a reason', async () => {
    let readiness: Readiness = { isReady: false, reason: 'Opening the log.' }
    await withServer(
      healthRoutes(() => readiness),
      async (base) => {
        const health = await fetch(`${base}/healthz`)
        assert.equal(health.status, 200)
        assert.deepEqual(await health.json(), { status: 'ok' })

        const notReady = await fetch(`${base}/readyz`)
        assert.equal(notReady.status, 503)
        assert.deepEqual(await notReady.json(), { status: 'not_ready', reason: 'Opening the log.' })

        readiness = { isReady: true, reason: 'Serving.' }
        const ready = await fetch(`${base}/readyz`)
        assert.equal(ready.status, 200)
        assert.deepEqual(await ready.json(), { status: 'ready', reason: 'Serving.' })
      },
    )
  })

  test('/metrics serves the registry in Prometheus text format', async () => {
    const registry = new Registry()
    const counter = new Counter({ name: 'test_things_total', help: 'Things.', registers: [registry] })
    counter.inc(7)
    await withServer([metricsRoute(registry)], async (base) => {
      const res = await fetch(`${base}/metrics`)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), registry.contentType)
      assert.match(await res.text(), /^test_things_total 7$/m)
    })
  })

  test('unknown paths are 404, wrong methods 405, both with a JSON error', async () => {
    await withServer(
      healthRoutes(() => ({ isReady: true, reason: '' })),
      async (base) => {
        const missing = await fetch(`${base}/nope?healthz`)
        assert.equal(missing.status, 404)
        assert.match(missing.headers.get('content-type') ?? '', /application\/json/)
        assert.deepEqual(await missing.json(), { error: 'Not found: GET /nope' })

        const wrongMethod = await fetch(`${base}/healthz`, { method: 'POST' })
        assert.equal(wrongMethod.status, 405)
        assert.equal(wrongMethod.headers.get('allow'), 'GET')
        assert.equal(typeof ((await wrongMethod.json()) as { error?: unknown }).error, 'string')

        const head = await fetch(`${base}/healthz`, { method: 'HEAD' })
        assert.equal(head.status, 200)
        assert.equal(await head.text(), '')
      },
    )
  })

  describe('path parameters', () => {
    const echo =
      (name: string): Route['handle'] =>
      (_req, res, params) =>
        sendJson(res, 200, { route: name, params })
    const routes: Route[] = [
      { method: 'GET', path: '/api/v1/traces/search', handle: echo('exact') },
      { method: 'GET', path: '/api/v1/traces/:traceId', handle: echo('trace') },
      { method: 'DELETE', path: '/api/v1/traces/:id', handle: echo('delete') },
      { method: 'GET', path: '/api/v1/label/:name/values', handle: echo('label') },
      { method: 'GET', path: '/api/v1/:kind/:name/values', handle: echo('generic') },
    ]
    const get = async (url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(url, init)
      return { status: res.status, body: await res.json() }
    }

    test('an exact path wins over a pattern, and a literal segment over a parameter', async () => {
      await withServer(routes, async (base) => {
        assert.deepEqual(await get(`${base}/api/v1/traces/search?x=1`), {
          status: 200,
          body: { route: 'exact', params: {} },
        })
        assert.deepEqual(await get(`${base}/api/v1/traces/0af7651916cd43dd?x=1`), {
          status: 200,
          body: { route: 'trace', params: { traceId: '0af7651916cd43dd' } },
        })
        assert.deepEqual(await get(`${base}/api/v1/traces/0af7`, { method: 'DELETE' }), {
          status: 200,
          body: { route: 'delete', params: { id: '0af7' } },
        })
        assert.deepEqual(await get(`${base}/api/v1/label/job/values`), {
          status: 200,
          body: { route: 'label', params: { name: 'job' } },
        })
        assert.deepEqual(await get(`${base}/api/v1/series/job/values`), {
          status: 200,
          body: { route: 'generic', params: { kind: 'series', name: 'job' } },
        })
      })
    })

    test('segments are URL-decoded (%2F included); a malformed one is a JSON 400', async () => {
      await withServer(routes, async (base) => {
        assert.deepEqual(await get(`${base}/api/v1/label/a%2Fb%20c+d%3F/values`), {
          status: 200,
          body: { route: 'label', params: { name: 'a/b c+d?' } },
        })
        const bad = await fetch(`${base}/api/v1/label/%E0%A4%A/values`)
        assert.equal(bad.status, 400)
        assert.match(bad.headers.get('content-type') ?? '', /application\/json/)
        const { error } = (await bad.json()) as { error?: unknown }
        assert.equal(typeof error, 'string')
        assert.match(
          String(error),
          /"%E0%A4%A" \(:name of \/api\/v1\/label\/:name\/values\) is not valid URL/,
        )
      })
    })

    test('a pattern path with another method is 405 with Allow; HEAD falls back to GET', async () => {
      await withServer(routes, async (base) => {
        const wrong = await fetch(`${base}/api/v1/traces/abc`, { method: 'POST' })
        assert.equal(wrong.status, 405)
        assert.equal(wrong.headers.get('allow'), 'GET, DELETE')
        assert.deepEqual(await wrong.json(), { error: 'Method POST is not allowed on /api/v1/traces/abc.' })
        // The exact path is its own resource: the pattern's DELETE does not apply to it.
        const exact = await fetch(`${base}/api/v1/traces/search`, { method: 'DELETE' })
        assert.equal(exact.status, 405)
        assert.equal(exact.headers.get('allow'), 'GET')
        await exact.body?.cancel()
        const head = await fetch(`${base}/api/v1/traces/abc`, { method: 'HEAD' })
        assert.equal(head.status, 200)
        assert.equal(await head.text(), '')
      })
    })

    test('paths no route matches are 404, including an empty or missing segment', async () => {
      await withServer(routes, async (base) => {
        for (const path of [
          '/api/v1/traces/abc/spans',
          '/api/v1/traces/',
          '/api/v1/label//values',
          '/api/v1/x',
        ]) {
          const res = await fetch(`${base}${path}?q=1`)
          assert.equal(res.status, 404, path)
          assert.deepEqual(await res.json(), { error: `Not found: GET ${path}` })
        }
      })
    })

    test('ambiguous or malformed patterns are rejected at construction', () => {
      const make = (paths: string[]): ApiServer =>
        new ApiServer(
          { host: '127.0.0.1', port: 0 },
          { logger, routes: paths.map((path) => ({ method: 'GET', path, handle: () => undefined })) },
        )
      assert.throws(
        () => make(['/t/:id', '/t/:traceId']),
        /Duplicate route GET \/t\/:traceId \(same shape as \/t\/:id\)/,
      )
      assert.throws(() => make(['/t/:']), /":" is not a :name parameter/)
      assert.throws(() => make(['/t/:a/:a']), /parameter :a is used twice/)
      assert.throws(() => make(['t/:a']), /must start with \//)
      make(['/t/:id', '/t/:id/spans', '/t/x']) // distinct shapes
    })
  })

  test('a failing handler gives a JSON 500 and the server keeps serving', async () => {
    const routes: Route[] = [
      { method: 'GET', path: '/boom', handle: () => Promise.reject(new Error('boom')) },
      { method: 'GET', path: '/ok', handle: (_req, res) => sendJson(res, 200, { ok: true }) },
    ]
    await withServer(routes, async (base) => {
      const boom = await fetch(`${base}/boom`)
      assert.equal(boom.status, 500)
      assert.equal(typeof ((await boom.json()) as { error?: unknown }).error, 'string')
      assert.equal((await fetch(`${base}/ok`)).status, 200)
    })
  })

  test('duplicate routes are rejected at construction', () => {
    const route: Route = { method: 'GET', path: '/x', handle: () => undefined }
    assert.throws(
      () => new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes: [route, route] }),
      /Duplicate route GET \/x/,
    )
  })

  test('a taken port fails start with a user-domain ApiListenError', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const server = new ApiServer({ host: '127.0.0.1', port }, { logger, routes: [] })
      await assert.rejects(server.start(), (err: unknown) => {
        assert.ok(err instanceof ApiListenError)
        assert.equal(errorCode(err), 'API_LISTEN_FAILED')
        assert.equal(err.domain, 'user')
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}: the address is already in use`))
        return true
      })
      await server.shutdown() // safe after a failed start
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  test('shutdown is idempotent, safe without start, and stops accepting connections', async () => {
    await new ApiServer({ host: '127.0.0.1', port: 0 }, { logger, routes: [] }).shutdown()

    const server = new ApiServer(
      { host: '127.0.0.1', port: 0 },
      { logger, routes: healthRoutes(() => ({ isReady: true, reason: '' })) },
    )
    await server.start()
    const base = `http://127.0.0.1:${server.address().port}`
    assert.equal((await fetch(`${base}/healthz`)).status, 200) // leaves a keep-alive connection
    await Promise.all([server.shutdown(), server.shutdown()])
    await server.shutdown()
    await assert.rejects(fetch(`${base}/healthz`))
  })
})
