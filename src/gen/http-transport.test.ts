import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { ManualClock } from '../core/testing/manual-clock.js'
import { createHttpTransport } from './http-transport.js'
import type { Payload } from './payload.js'

function payload(over: Partial<Payload>): Payload {
  return {
    signal: 'metrics',
    protocol: 'remote_write',
    path: '/api/v1/write',
    body: Buffer.from('abc'),
    records: 1,
    seq: 1,
    tsMs: 0,
    isSnappy: true,
    ...over,
  }
}

test('headers, path prefix, status, Retry-After and connection errors', async () => {
  const seen: http.IncomingHttpHeaders[] = []
  const paths: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(req.headers)
    paths.push(req.url ?? '')
    req.resume()
    req.on('end', () => res.writeHead(paths.length === 1 ? 204 : 429, { 'Retry-After': '2' }).end())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const t = createHttpTransport(
    {
      url: `http://127.0.0.1:${port}/prefix/`,
      apiKey: 'k1',
      tenant: 'acme',
      concurrency: 2,
      timeoutMs: 2000,
    },
    new ManualClock(),
  )
  try {
    assert.deepEqual(await t.send(payload({})), { kind: 'response', status: 204, retryAfterMs: 2000 })
    const second = await t.send(
      payload({ path: '/v1/logs', isSnappy: false, signal: 'logs', protocol: 'otlp' }),
    )
    assert.deepEqual(second, { kind: 'response', status: 429, retryAfterMs: 2000 })
    assert.deepEqual(paths, ['/prefix/api/v1/write', '/prefix/v1/logs'])
    const [rw, otlp] = seen
    assert.equal(rw?.['content-encoding'], 'snappy')
    assert.equal(rw?.['content-type'], 'application/x-protobuf')
    assert.equal(rw?.['x-prometheus-remote-write-version'], '0.1.0')
    assert.equal(rw?.['authorization'], 'Bearer k1')
    assert.equal(rw?.['x-scope-orgid'], 'acme')
    assert.equal(rw?.['connection'], 'keep-alive')
    assert.equal(otlp?.['content-encoding'], undefined)
    assert.equal(otlp?.['x-prometheus-remote-write-version'], undefined)
  } finally {
    t.close()
    await new Promise((r) => server.close(r))
  }
  const refused = await t.send(payload({}))
  assert.deepEqual(refused, { kind: 'error', code: 'ECONNREFUSED' })
})
