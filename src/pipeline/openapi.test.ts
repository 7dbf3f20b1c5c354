import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { OPENAPI_PATH } from '../api/index.js'
import type { OpenApiDocument } from '../api/index.js'
import {
  compareRoutes,
  openapiSchemaErrors,
  operationsOf,
  ResponseValidator,
  structuralProblems,
} from '../api/openapi/testing/openapi-checks.js'
import type { RouteComparison } from '../api/openapi/testing/openapi-checks.js'
import { IngestApp } from './testing/ingest-app.js'

/** The version in Vigil's package.json, read directly (not through the code under test). */
function packageJsonVersion(): string {
  for (let dir = new URL('.', import.meta.url), i = 0; i < 6; i++, dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as Record<string, unknown>
      if (pkg.name === 'vigil' && typeof pkg.version === 'string') return pkg.version
    } catch {
      // Not here: keep walking up.
    }
  }
  throw new Error('package.json of vigil not found')
}

async function fetchDocument(app: IngestApp): Promise<OpenApiDocument> {
  const res = await fetch(`${app.apiUrl}${OPENAPI_PATH}`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
  return (await res.json()) as OpenApiDocument
}

function assertSameRoutes(diff: RouteComparison): void {
  const lines = [
    ...diff.undocumented.map((r) => `  registered, not documented: ${r}`),
    ...diff.unregistered.map((r) => `  documented, not registered: ${r}`),
  ]
  assert.ok(lines.length === 0, `The OpenAPI document and the routes differ:\n${lines.join('\n')}`)
}

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const ROOT_SPAN = 'b7ad6b7169203331'
const CHILD_SPAN = '00f067aa0ba902b7'
const str = (key: string, value: string) => ({ key, value: { stringValue: value } })

/** OTLP/JSON logs, spans (a root and a failed child with an event and a link) and two gauge series. */
function otlpBodies(nowMs: number): { logs: string; traces: string; metrics: string } {
  const ns = (ms: number) => String(BigInt(ms) * 1_000_000n)
  const resource = { attributes: [str('service.name', 'checkout'), str('host.name', 'web-1')] }
  const scope = { name: 'shop', version: '1.0.0' }
  const t = nowMs - 5_000
  return {
    logs: JSON.stringify({
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope,
              logRecords: [
                {
                  timeUnixNano: ns(t),
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { stringValue: 'payment failed' },
                  attributes: [str('http.method', 'POST')],
                  traceId: TRACE,
                  spanId: CHILD_SPAN,
                },
                { timeUnixNano: ns(t + 1), body: { stringValue: 'checkout started' } },
              ],
            },
          ],
        },
      ],
    }),
    traces: JSON.stringify({
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope,
              spans: [
                {
                  traceId: TRACE,
                  spanId: ROOT_SPAN,
                  name: 'POST /checkout',
                  kind: 2,
                  startTimeUnixNano: ns(t),
                  endTimeUnixNano: ns(t + 20),
                  attributes: [str('http.method', 'POST')],
                  status: {},
                },
                {
                  traceId: TRACE,
                  spanId: CHILD_SPAN,
                  parentSpanId: ROOT_SPAN,
                  name: 'charge',
                  kind: 3,
                  startTimeUnixNano: ns(t + 2),
                  endTimeUnixNano: ns(t + 15),
                  events: [{ timeUnixNano: ns(t + 3), name: 'retry', attributes: [str('attempt', '2')] }],
                  links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), attributes: [] }],
                  status: { code: 2, message: 'card declined' },
                },
              ],
            },
          ],
        },
      ],
    }),
    metrics: JSON.stringify({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope,
              metrics: [
                {
                  name: 'temperature',
                  gauge: {
                    dataPoints: ['a', 'b'].map((room, i) => ({
                      timeUnixNano: ns(t),
                      asDouble: 20 + i,
                      attributes: [str('room', room)],
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  }
}

describe('the OpenAPI document of the running app', () => {
  let app: IngestApp
  let doc: OpenApiDocument

  before(async () => {
    app = await IngestApp.start({ store: { raw: { metrics: true, logs: true, spans: true } } })
    doc = await fetchDocument(app)
  })
  after(() => app?.dispose())

  test('is OpenAPI 3.1.0 with the version of package.json, valid and consistent', () => {
    assert.equal(doc.openapi, '3.1.0')
    assert.equal(doc.info.version, packageJsonVersion())
    assert.deepEqual(openapiSchemaErrors(doc), [])
    assert.deepEqual(structuralProblems(doc), [])
  })

  test('documents every registered route, and registers every documented operation', () => {
    const routes = app.app.apiRoutes()
    assert.ok(routes.some((r) => r.path === '/api/v1/label/:name/values'))
    assertSameRoutes(compareRoutes(doc, routes))
  })

  test('every operation answers as documented (status, media type, body schema without extra fields)', async () => {
    const nowMs = Date.now()
    const bodies = otlpBodies(nowMs)
    for (const signal of ['logs', 'traces', 'metrics'] as const) {
      const res = await app.post(`/v1/${signal}`, bodies[signal], { 'content-type': 'application/json' })
      assert.ok(res.ok, `OTLP ${signal}: ${res.status} ${await res.text()}`)
    }
    const api = app.apiUrl
    const validator = new ResponseValidator(doc, { closed: true })
    const sampled = new Set<string>()
    const problems: string[] = []
    const call = async (
      method: 'GET' | 'POST' | 'DELETE',
      template: string,
      path: string,
      init: RequestInit = {},
    ): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${api}${path}`, { method, ...init })
      const text = await res.text()
      sampled.add(`${method} ${template}`)
      problems.push(
        ...validator.check(method, template, res.status, res.headers.get('content-type') ?? '', text),
      )
      return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text }
    }
    const form = (params: Record<string, string>): RequestInit => ({ body: new URLSearchParams(params) })
    const dataOf = (r: { status: number; json: unknown }) => {
      assert.equal(r.status, 200, JSON.stringify(r.json))
      return (r.json as { data: unknown }).data
    }

    // The store sink writes asynchronously: wait until logs, spans and samples are all queryable.
    for (let i = 0; ; i++) {
      const get = (p: string) => fetch(`${api}${p}`).then((r) => r.json() as Promise<{ data?: unknown }>)
      const [logs, traces, temps] = await Promise.all([
        get('/api/v1/logs'),
        get('/api/v1/traces'),
        get('/api/v1/query?query=temperature'),
      ])
      const ready =
        (logs.data as { logs?: unknown[] } | undefined)?.logs?.length === 2 &&
        (traces.data as { traces?: unknown[] } | undefined)?.traces?.length === 1 &&
        (temps.data as { result?: unknown[] } | undefined)?.result?.length === 2
      if (ready) break
      if (i > 300) assert.fail(`the store did not get the data: ${JSON.stringify([logs, traces, temps])}`)
      await new Promise((r) => setTimeout(r, 100))
    }

    for (const path of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/api/v1/ingest/status',
      '/api/v1/engine/status',
    ]) {
      assert.equal((await call('GET', path, path)).status, 200, path)
    }
    assert.equal((await call('GET', '/api/v1/store/status', '/api/v1/store/status')).status, 200)
    assert.equal((await call('GET', OPENAPI_PATH, OPENAPI_PATH)).status, 200)

    const at = String(nowMs / 1000)
    const range = { query: 'temperature', start: String(nowMs / 1000 - 60), end: at, step: '15' }
    const resultType = (r: { status: number; json: unknown }) =>
      (dataOf(r) as { resultType: string }).resultType
    const q = '/api/v1/query'
    assert.equal(resultType(await call('GET', q, `${q}?query=temperature&time=${at}`)), 'vector')
    assert.equal(resultType(await call('POST', q, q, form({ query: '1 + 1' }))), 'scalar')
    assert.equal(resultType(await call('GET', q, `${q}?query=%22s%22`)), 'string')
    assert.equal(resultType(await call('GET', q, `${q}?query=temperature[5m]`)), 'matrix')
    assert.equal((await call('GET', q, `${q}?query=sum(`)).status, 400)
    assert.equal((await call('GET', q, `${q}?query=temperature*on()temperature`)).status, 422)
    const json: RequestInit = { headers: { 'content-type': 'application/json' }, body: '{}' }
    assert.equal((await call('POST', q, q, json)).status, 415)
    assert.equal((await call('POST', q, q, form({ query: 'x'.repeat(1 << 20) }))).status, 413)

    const qr = '/api/v1/query_range'
    assert.equal(resultType(await call('GET', qr, `${qr}?${new URLSearchParams(range)}`)), 'matrix')
    assert.equal(resultType(await call('POST', qr, qr, form(range))), 'matrix')
    assert.equal((await call('GET', qr, `${qr}?query=temperature`)).status, 400)

    const series = '/api/v1/series'
    assert.equal((dataOf(await call('GET', series, `${series}?match[]=temperature`)) as unknown[]).length, 2)
    assert.equal(
      (dataOf(await call('POST', series, series, form({ 'match[]': 'temperature' }))) as unknown[]).length,
      2,
    )
    assert.equal((await call('GET', series, series)).status, 400)
    const labels = '/api/v1/labels'
    assert.ok((dataOf(await call('GET', labels, labels)) as string[]).includes('room'))
    assert.ok(
      (dataOf(await call('POST', labels, labels, form({ 'match[]': 'temperature' }))) as string[]).includes(
        'room',
      ),
    )
    const values = '/api/v1/label/{name}/values'
    assert.deepEqual(dataOf(await call('GET', values, '/api/v1/label/room/values')), ['a', 'b'])
    assert.equal((await call('GET', values, '/api/v1/label/not-a-name/values')).status, 400)
    assert.equal((await call('GET', values, '/api/v1/label/%ZZ/values')).status, 400)
    const exemplars = '/api/v1/query_exemplars'
    assert.deepEqual(dataOf(await call('GET', exemplars, `${exemplars}?query=temperature&end=${at}`)), [])
    assert.equal(dataOf(await call('POST', exemplars, exemplars, form({ query: '1+1' }))), null)
    assert.equal((await call('GET', exemplars, `${exemplars}?query=up&start=2&end=1`)).status, 400)
    const metadata = '/api/v1/metadata'
    assert.deepEqual(dataOf(await call('GET', metadata, `${metadata}?metric=temperature&limit=5`)), {})
    assert.equal((await call('GET', metadata, `${metadata}?limit=five`)).status, 400)
    const rules = '/api/v1/rules'
    assert.deepEqual(dataOf(await call('GET', rules, `${rules}?type=record`)), { groups: [] })
    assert.equal((await call('GET', rules, `${rules}?type=other`)).status, 400)
    const buildinfo = '/api/v1/status/buildinfo'
    assert.equal((dataOf(await call('GET', buildinfo, buildinfo)) as { version: string }).version, '2.42.0')

    const logs = dataOf(
      await call('GET', '/api/v1/logs', '/api/v1/logs?service=checkout&severity=warn&attr=http.method=POST'),
    )
    assert.equal((logs as { logs: unknown[] }).logs.length, 1)
    assert.equal((await call('GET', '/api/v1/logs', '/api/v1/logs?limit=0')).status, 400)
    const found = dataOf(await call('GET', '/api/v1/traces', '/api/v1/traces?status=error&minDuration=1ms'))
    assert.equal((found as { traces: unknown[] }).traces.length, 1)
    const trace = '/api/v1/traces/{traceId}'
    const tree = dataOf(await call('GET', trace, `/api/v1/traces/${TRACE.toUpperCase()}`))
    assert.equal((tree as { spanCount: number }).spanCount, 2)
    assert.equal((await call('GET', trace, `/api/v1/traces/${'c'.repeat(32)}`)).status, 404)
    assert.equal((await call('GET', trace, '/api/v1/traces/nope')).status, 400)
    // The store's anomalies table (written once the engine's anomalies topic is a sink source).
    const anomalies = '/api/v1/anomalies'
    const page = dataOf(await call('GET', anomalies, `${anomalies}?min_score=0.9&match=temperature`))
    assert.ok(Array.isArray((page as { anomalies: unknown[] }).anomalies))
    assert.equal((await call('GET', anomalies, `${anomalies}?min_score=2`)).status, 400)

    // The alerting API, documented when the app runs the alerting service (alertApi).
    if (doc.paths['/api/v1/alerts'] !== undefined) {
      const json = (body: unknown): RequestInit => ({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const alerts = '/api/v1/alerts'
      assert.ok(
        Array.isArray((dataOf(await call('GET', alerts, `${alerts}?state=firing`)) as { alerts: [] }).alerts),
      )
      assert.equal((await call('GET', alerts, `${alerts}?filter=bad`)).status, 400)
      const history = '/api/v1/alerts/history'
      assert.equal(
        (dataOf(await call('GET', history, `${history}?limit=5`)) as { nextCursor: null }).nextCursor,
        null,
      )
      assert.equal((await call('GET', history, `${history}?cursor=bad`)).status, 400)
      const ack = '/api/v1/alerts/{fingerprint}/ack'
      const unknown = `/api/v1/alerts/${'0'.repeat(16)}/ack`
      assert.equal((await call('POST', ack, unknown, json({ by: 'alice' }))).status, 404)
      assert.equal((await call('DELETE', ack, unknown)).status, 404)
      const silences = '/api/v1/silences'
      const postable = {
        matchers: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }],
        endsAt: new Date(nowMs + 3_600_000).toISOString(),
        createdBy: 'alice',
        comment: 'openapi test',
      }
      const created = dataOf(await call('POST', silences, silences, json(postable))) as { silenceID: string }
      assert.equal((await call('POST', silences, silences, json({ ...postable, matchers: [] }))).status, 400)
      assert.equal((dataOf(await call('GET', silences, silences)) as { silences: [] }).silences.length, 1)
      const silence = '/api/v1/silences/{id}'
      const one = `${silences}/${created.silenceID}`
      assert.equal((dataOf(await call('GET', silence, one)) as { id: string }).id, created.silenceID)
      assert.equal((await call('GET', silence, `${silences}/nope`)).status, 404)
      const expired = dataOf(await call('DELETE', silence, one)) as { status: { state: string } }
      assert.equal(expired.status.state, 'expired')
    }

    assert.deepEqual(problems, [])
    const unsampled = operationsOf(doc)
      .map((o) => `${o.method} ${o.path}`)
      .filter((k) => !sampled.has(k))
    assert.deepEqual(unsampled, [], 'every documented operation is called once at least')
  })
})

describe('the OpenAPI document without the store', () => {
  test('leaves out the query endpoints, as the app does; store status is a documented 404', async () => {
    const app = await IngestApp.start({ store: { enabled: false } })
    try {
      const doc = await fetchDocument(app)
      assertSameRoutes(compareRoutes(doc, app.app.apiRoutes()))
      assert.equal(doc.paths['/api/v1/query'], undefined)
      const res = await fetch(`${app.apiUrl}/api/v1/store/status`)
      const problems = new ResponseValidator(doc, { closed: true }).check(
        'GET',
        '/api/v1/store/status',
        res.status,
        res.headers.get('content-type') ?? '',
        await res.text(),
      )
      assert.equal(res.status, 404)
      assert.deepEqual(problems, [])
    } finally {
      await app.dispose()
    }
  })
})
