import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateApiKey } from '../auth/index.js'
import type { StoredKey } from '../auth/index.js'
import { encodeRemoteWrite } from '../query/testing/remote-write.js'
import { IngestApp } from './testing/ingest-app.js'

/**
 * Every PromQL endpoint answers for the caller's tenant only (invariant 6): two tenants write
 * series with the same names and labels, and each tenant's key reads its own values, through every
 * endpoint and every way of naming a tenant. The query limits answer with errors that say which.
 */
const RW = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }
const T = 1_700_000_000_000

const key = (
  k: ReturnType<typeof generateApiKey>,
  tenant: string,
  scopes: StoredKey['scopes'],
): StoredKey => ({
  id: k.id,
  tenant,
  scopes,
  hash: k.hash,
})

describe('PromQL API: tenancy and limits', () => {
  let app: IngestApp
  const acme = generateApiKey()
  const globex = generateApiKey()
  const ingestOnly = generateApiKey()

  const body = (value: number, extra: string) =>
    encodeRemoteWrite([
      {
        labels: { __name__: 'up', job: 'api', [`only_${extra}`]: 'yes' },
        samples: [0, 1, 2, 3].map((i) => ({ t: T + i * 15_000, v: value + i })),
      },
      ...Array.from({ length: 30 }, (_, i) => ({
        labels: { __name__: 'many', job: 'api', i: String(i) },
        samples: [{ t: T, v: i }],
      })),
    ])

  before(async () => {
    app = await IngestApp.start({
      auth: {
        mode: 'keys',
        keys: [
          key(acme, 'acme', ['ingest', 'query']),
          key(globex, 'globex', ['ingest', 'query']),
          key(ingestOnly, 'acme', ['ingest']),
        ],
      },
      store: { raw: { metrics: true } },
      query: { maxSeries: 20 },
    })
    for (const [k, value, name] of [
      [acme, 100, 'acme'],
      [globex, 900, 'globex'],
    ] as const) {
      const res = await app.post('/api/v1/write', body(value, name), {
        ...RW,
        authorization: `Bearer ${k.key}`,
      })
      assert.equal(res.status, 204, await res.text())
    }
    // Wait until both tenants' samples are stored.
    for (let i = 0; ; i++) {
      const [a, g] = await Promise.all(
        [acme, globex].map((k) =>
          get(k.key, '/api/v1/query', { query: 'count(up)', time: String(T / 1000 + 45) }),
        ),
      )
      if (JSON.stringify(a!.body).includes('"1"]') && JSON.stringify(g!.body).includes('"1"]')) break
      if (i > 100) assert.fail('the samples were not stored')
      await new Promise((r) => setTimeout(r, 100))
    }
  })
  after(() => app.dispose())

  async function get(
    bearer: string,
    path: string,
    params: Record<string, string>,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${app.apiUrl}${path}?${new URLSearchParams(params)}`, {
      headers: { authorization: `Bearer ${bearer}`, ...headers },
    })
    return {
      status: res.status,
      body: (await res.json()) as { status: string; data?: unknown; error?: string },
    }
  }

  test('each tenant reads only its own series, through every endpoint', async () => {
    const time = String(T / 1000 + 45)
    for (const [k, own, other, value] of [
      [acme, 'only_acme', 'only_globex', '103'],
      [globex, 'only_globex', 'only_acme', '903'],
    ] as const) {
      const instant = await get(k.key, '/api/v1/query', { query: 'up', time })
      assert.equal(instant.status, 200)
      const text = JSON.stringify(instant.body)
      assert.match(text, new RegExp(`"${own}":"yes".*"${value}"`))
      assert.doesNotMatch(text, new RegExp(other))

      const range = await get(k.key, '/api/v1/query_range', {
        query: 'sum(up)',
        start: String(T / 1000),
        end: time,
        step: '15',
      })
      assert.equal(
        JSON.stringify((range.body.data as { result: { values: unknown }[] }).result[0]!.values),
        JSON.stringify([0, 1, 2, 3].map((i) => [T / 1000 + i * 15, String(Number(value) - 3 + i)])),
      )

      const series = await get(k.key, '/api/v1/series', { 'match[]': 'up' })
      assert.deepEqual(series.body.data, [{ __name__: 'up', job: 'api', [own]: 'yes' }])
      const labels = await get(k.key, '/api/v1/labels', {})
      assert.ok((labels.body.data as string[]).includes(own))
      assert.ok(!(labels.body.data as string[]).includes(other))
      const values = await get(k.key, `/api/v1/label/${own}/values`, {})
      assert.deepEqual(values.body.data, ['yes'])
      const none = await get(k.key, `/api/v1/label/${other}/values`, {})
      assert.deepEqual(none.body.data, [])
    }
  })

  test('naming another tenant, or a key without the query scope, is refused', async () => {
    const asGlobex = await get(acme.key, '/api/v1/query', { query: 'up' }, { 'x-scope-orgid': 'globex' })
    assert.equal(asGlobex.status, 403)
    const ingest = await get(ingestOnly.key, '/api/v1/query', { query: 'up' })
    assert.equal(ingest.status, 403)
    assert.match(ingest.body.error ?? '', /query/)
    const none = await fetch(`${app.apiUrl}/api/v1/series?match[]=up`)
    assert.equal(none.status, 401)
  })

  test('a query over the series limit is an execution error naming the limit', async () => {
    const res = await get(acme.key, '/api/v1/query', { query: 'many', time: String(T / 1000) })
    assert.equal(res.status, 422)
    assert.match(res.body.error ?? '', /more than 20 series/)
    const ok = await get(acme.key, '/api/v1/query', { query: 'many{i=~"1.*"}', time: String(T / 1000) })
    assert.equal(ok.status, 200)
  })

  test('bad parameters are 400 with what was wrong; POST forms work as GET', async () => {
    const bad = await get(acme.key, '/api/v1/query_range', {
      query: 'up',
      start: 'yesterday',
      end: '1',
      step: '1',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.body.error ?? '', /invalid parameter "start": cannot parse "yesterday"/)
    const unsupported = await get(acme.key, '/api/v1/query', {
      query: 'label_replace(up, "a", "b", "c", "d")',
    })
    assert.equal(unsupported.status, 400)
    assert.match(unsupported.body.error ?? '', /label_replace.*not supported/)
    const post = await fetch(`${app.apiUrl}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: 'up', time: String(T / 1000 + 45) }),
    })
    assert.match(await post.text(), /"only_acme":"yes".*"103"/)
  })
})
