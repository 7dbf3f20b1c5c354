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
