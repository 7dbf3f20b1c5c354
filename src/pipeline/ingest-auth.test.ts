import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateApiKey } from '../auth/index.js'
import type { StoredKey } from '../auth/index.js'
import { INGEST_TOPICS } from '../ingest/http/index.js'
import type { IngestStatus } from '../ingest/http/index.js'
import { remoteWriteBody } from '../ingest/prometheus/testing/write-request-proto.js'
import { IngestApp } from './testing/ingest-app.js'

const RW = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }
const body = (): Uint8Array =>
  remoteWriteBody({
    timeseries: [
      {
        labels: [
          { name: '__name__', value: 'up' },
          { name: 'job', value: 'api' },
        ],
        samples: [{ timestamp: 1, value: 1 }],
      },
    ],
  })

describe('auth: keys', () => {
  let app: IngestApp
  const acme = generateApiKey()
  const queryOnly = generateApiKey()
  const admin = generateApiKey()
  const stored = (
    k: ReturnType<typeof generateApiKey>,
    tenant: string,
    scopes: StoredKey['scopes'],
  ): StoredKey => ({
    id: k.id,
    tenant,
    scopes,
    hash: k.hash,
  })

  before(async () => {
    app = await IngestApp.start({
      auth: {
        mode: 'keys',
        keys: [
          stored(acme, 'acme', ['ingest']),
          stored(queryOnly, 'acme', ['query']),
          stored(admin, 'ops', ['admin']),
        ],
      },
    })
  })
  after(() => app.dispose())

  const cases: [string, () => Record<string, string>, number, RegExp][] = [
    ['no credentials → 401', () => ({}), 401, /API key is required/],
    ['an unknown key → 401', () => ({ authorization: `Bearer ${generateApiKey().key}` }), 401, /not valid/],
    [
      'a key without the ingest scope → 403',
      () => ({ authorization: `Bearer ${queryOnly.key}` }),
      403,
      /lacks the "ingest" scope/,
    ],
    [
      'X-Scope-OrgID naming another tenant → 403',
      () => ({ authorization: `Bearer ${acme.key}`, 'x-scope-orgid': 'globex' }),
      403,
      /belongs to tenant "acme", not "globex"/,
    ],
    [
      'Basic auth with another tenant as user name → 403',
      () => ({ authorization: `Basic ${Buffer.from(`globex:${acme.key}`).toString('base64')}` }),
      403,
      /not "globex"/,
    ],
  ]
  for (const [name, headers, status, message] of cases) {
    test(name, async () => {
      const res = await app.post('/api/v1/write', body(), { ...RW, ...headers() })
      assert.equal(res.status, status)
      assert.match(await res.text(), message)
    })
  }

  test('Bearer, Basic (Loki/Promtail style) and X-Scope-OrgID + key are accepted; admin keys may name any tenant', async () => {
    const ok = [
      { authorization: `Bearer ${acme.key}` },
      { authorization: `Basic ${Buffer.from(`acme:${acme.key}`).toString('base64')}` },
      { authorization: `Bearer ${acme.key}`, 'x-scope-orgid': 'acme' },
      { authorization: `Bearer ${admin.key}`, 'x-scope-orgid': 'globex' },
    ]
    for (const headers of ok) {
      const res = await app.post('/api/v1/write', body(), { ...RW, ...headers })
      assert.equal(res.status, 204, `${JSON.stringify(Object.keys(headers))}: ${await res.text()}`)
    }
    const s = (await (await fetch(`${app.apiUrl}/api/v1/ingest/status`)).json()) as IngestStatus
    assert.equal(s.ledger.find((r) => r.tenant === 'acme')?.accepted, 3)
    assert.equal(s.ledger.find((r) => r.tenant === 'globex')?.accepted, 1)
    assert.equal(
      s.refusals.filter((r) => r.reason === 'unauthenticated').reduce((n, r) => n + r.count, 0),
      2,
    )
  })

  test('every stored record carries the tenant of its key', async () => {
    const records = await app.stopAndRead(INGEST_TOPICS.metrics)
    assert.deepEqual(records.map((r) => r.key).sort(), ['acme/api', 'acme/api', 'acme/api', 'globex/api'])
  })
})
