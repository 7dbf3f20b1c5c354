import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatStartupHint, urlHost } from './startup-hint.js'

test('urlHost turns wildcard addresses into something curl can reach', () => {
  assert.equal(urlHost('127.0.0.1'), '127.0.0.1')
  assert.equal(urlHost('0.0.0.0'), '127.0.0.1')
  assert.equal(urlHost('::'), '[::1]')
  assert.equal(urlHost('::1'), '[::1]')
  assert.equal(urlHost('localhost'), 'localhost')
})

test('the startup hint names the URLs and the data dir', () => {
  const hint = formatStartupHint({
    version: '1.2.3',
    api: { host: '0.0.0.0', port: 9000 },
    ingest: { host: '0.0.0.0', port: 4318 },
    auth: 'none',
    dataDir: '/var/lib/vigil',
    fsync: 'always',
  })
  assert.match(hint, /curl http:\/\/127\.0\.0\.1:9000\/readyz/)
  assert.match(hint, /curl http:\/\/127\.0\.0\.1:9000\/metrics/)
  assert.match(hint, /listening on 0\.0\.0\.0:9000/)
  assert.match(hint, /\/var\/lib\/vigil {2}\(fsync: always\)/)
  assert.match(hint, /remote_write http:\/\/127\.0\.0\.1:4318\/api\/v1\/write/)
  assert.match(hint, /auth: none — development mode/)
  assert.match(hint, /vigil gen --url http:\/\/127\.0\.0\.1:4318/)
})
