import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateApiKey } from '../auth/index.js'
import { encodeRemoteWrite } from '../query/testing/remote-write.js'
import type { RemoteWriteSeries } from '../query/testing/remote-write.js'
import { IngestApp } from './testing/ingest-app.js'

/**
 * Grafana's Prometheus data source (Grafana 10.x/11.x, `grafana/grafana`) pointed at Vigil: every
 * request it sends, replayed as it sends it, must get a 200 and a body of the shape Grafana parses.
 *
 * Who sends what (the sources are cited per test):
 * - Panel, Explore, alerting and health-check queries run in Grafana's server (`pkg/promlib`): a Go
 *   client (`pkg/promlib/client/client.go`) that POSTs forms by default, with the keys sorted
 *   (`url.Values.Encode`), times as float seconds (`formatTime`), `start`/`end` of range queries
 *   aligned down to the step (`models.AlignTimeRange`), `User-Agent: Grafana/<version> (<os>;
 *   <arch>)` (grafana-plugin-sdk-go `backend/useragent`), the data source's custom headers
 *   (`Authorization` here), and for panel queries the tracing headers of
 *   `pkg/services/pluginsintegration/clientmiddleware/tracing_header_middleware.go`
 *   (`X-Grafana-Org-Id`, `X-Dashboard-Uid`, `X-Panel-Id`, `X-Datasource-Uid`). Go sets no `Accept`.
 * - Autocomplete, the metrics browser and variables start in the browser
 *   (`packages/grafana-prometheus/src/{datasource,language_provider,resource_clients,
 *   metric_find_query}.ts`) as resource calls, which the server forwards unchanged
 *   (`client.QueryResource`): GET query strings built with `encodeURIComponent` in insertion order,
 *   POST bodies from `new URLSearchParams(data)` (`public/app/core/utils/fetch.ts`), integer-second
 *   `start`/`end` snapped to the minute (`language_utils.ts` `getRangeSnapInterval`). A POST
 *   answered 400 or 405 is retried as GET.
 */

const FORM = 'application/x-www-form-urlencoded'
const GRAFANA_UA = 'Grafana/11.3.0 (linux; amd64)'
const RW = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }
const STEP_MS = 15_000
/** The last sample, on a 15 s boundary; samples go back 30 minutes. */
const NOW = Math.floor(Date.now() / STEP_MS) * STEP_MS
/** The dashboard's time range, "Last 1 hour", with the milliseconds a browser clock has. */
const FROM_MS = NOW - 3_600_000 + 123
const TO_MS = NOW + 123

interface PromJson {
  readonly status: string
  readonly data?: unknown
  readonly errorType?: string
  readonly error?: string
}

interface Answer {
  readonly status: number
  readonly contentType: string
  readonly json: PromJson
}

interface Matrix {
  readonly resultType: 'matrix'
  readonly result: readonly { metric: Record<string, string>; values: [number, string][] }[]
}

interface Vector {
  readonly resultType: 'vector'
  readonly result: readonly { metric: Record<string, string>; value: [number, string] }[]
}

/** Go's `url.QueryEscape`: unreserved `A-Za-z0-9-_.~` kept, space as `+`, the rest %XX. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/** Go's `url.Values.Encode()` of one value per key: sorted by key. */
function goEncode(values: Readonly<Record<string, string>>): string {
  return Object.keys(values)
    .sort()
    .map((k) => `${goQueryEscape(k)}=${goQueryEscape(values[k]!)}`)
    .join('&')
}

/** Go's `formatTime`: float seconds, shortest form (`1700000000`, `1700000000.123`). */
const goTime = (ms: number): string => String(ms / 1000)

/** `datasource._request` for GET: `encodeURIComponent` pairs in insertion order. */
function browserQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}

/** `getPrometheusTime`: whole seconds, rounded up. */
const promSeconds = (ms: number): number => Math.ceil(ms / 1000)

/** `getRangeSnapInterval` at the default cache level (Low, 1 minute). */
function snapped(fromMs: number, toMs: number): { start: string; end: string } {
  const start = Math.floor(promSeconds(fromMs) / 60) * 60
  let end = Math.ceil(promSeconds(toMs) / 60) * 60
  if (start === end) end += 60
  return { start: String(start), end: String(end) }
}

/** `getTimeRangeParams` and `metric_find_query.ts`: whole seconds, not snapped. */
const timeRangeParams = (fromMs: number, toMs: number) => ({
  start: String(promSeconds(fromMs)),
  end: String(promSeconds(toMs)),
})

/** `models.AlignTimeRange` with `utcOffsetSec`. */
const align = (ms: number, stepMs: number, utcOffsetSec = 0): number =>
  Math.floor((ms + utcOffsetSec * 1000) / stepMs) * stepMs - utcOffsetSec * 1000

describe("Grafana's Prometheus data source against Vigil", () => {
  let app: IngestApp
  const grafanaKey = generateApiKey()
  const otherKey = generateApiKey()

  const times = Array.from({ length: 121 }, (_, i) => NOW - (120 - i) * STEP_MS)
  const counter = (labels: Record<string, string>, perStep: number): RemoteWriteSeries => ({
    labels,
    samples: times.map((t, i) => ({ t, v: i * perStep })),
  })
  const gauge = (labels: Record<string, string>, v: number): RemoteWriteSeries => ({
    labels,
    samples: times.map((t) => ({ t, v })),
  })
  const series: RemoteWriteSeries[] = [
    counter({ __name__: 'http_requests_total', job: 'api', instance: 'web-1', code: '200' }, 1),
    counter({ __name__: 'http_requests_total', job: 'api', instance: 'web-2', code: '200' }, 2),
    counter({ __name__: 'http_requests_total', job: 'api', instance: 'web-1', code: '500' }, 0.5),
    ...[
      ['0.1', 1],
      ['0.5', 3],
      ['+Inf', 4],
    ].map(([le, n]) =>
      counter({ __name__: 'http_request_duration_seconds_bucket', job: 'api', le: String(le) }, Number(n)),
    ),
    gauge({ __name__: 'up', job: 'api', instance: 'web-1' }, 1),
    gauge({ __name__: 'up', job: 'api', instance: 'web-2' }, 1),
  ]

  /** Headers of every request of Grafana's server to the data source URL. */
  const serverHeaders = (method: 'GET' | 'POST', bearer = grafanaKey.key): Record<string, string> => ({
    'user-agent': GRAFANA_UA,
    'accept-encoding': 'gzip',
    authorization: `Bearer ${bearer}`,
    ...(method === 'POST' ? { 'content-type': FORM } : {}),
  })
  /** Panel and Explore queries also carry the tracing headers of the browser's /api/ds/query. */
  const tracing = {
    'x-grafana-org-id': '1',
    'x-dashboard-uid': 'vigil-overview',
    'x-panel-id': '2',
    'x-datasource-uid': 'vigil',
  }

  async function send(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body?: string,
    headers: Record<string, string> = serverHeaders(method),
  ): Promise<Answer> {
    const res = await fetch(`${app.apiUrl}${pathAndQuery}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    })
    const text = await res.text()
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', json: JSON.parse(text) }
  }

  /** A 200 `{"status":"success"}` JSON answer; its `data`. */
  function ok(a: Answer): unknown {
    assert.equal(a.status, 200, JSON.stringify(a.json))
    assert.match(a.contentType, /^application\/json/)
    assert.equal(a.json.status, 'success')
    return a.json.data
  }

  const strings = (a: Answer): string[] => {
    const data = ok(a)
    assert.ok(Array.isArray(data) && data.every((v) => typeof v === 'string'), JSON.stringify(data))
    return data as string[]
  }

  before(async () => {
    app = await IngestApp.start({
      auth: {
        mode: 'keys',
        keys: [
          { id: grafanaKey.id, hash: grafanaKey.hash, tenant: 'acme', scopes: ['ingest', 'query'] },
          { id: otherKey.id, hash: otherKey.hash, tenant: 'globex', scopes: ['ingest', 'query'] },
        ],
      },
      store: { raw: { metrics: true } },
    })
    for (const [key, body] of [
      [grafanaKey, encodeRemoteWrite(series)],
      [otherKey, encodeRemoteWrite([gauge({ __name__: 'globex_secret', job: 'api', instance: 'x' }, 7)])],
    ] as const) {
      const res = await app.post('/api/v1/write', body, { ...RW, authorization: `Bearer ${key.key}` })
      assert.equal(res.status, 204, await res.text())
    }
    // The store sink writes asynchronously: wait until all of acme's series answer at NOW.
    for (let i = 0; ; i++) {
      const a = await send(
        'POST',
        '/api/v1/query',
        goEncode({ query: 'count({job="api"})', time: goTime(NOW) }),
      )
      const result = (a.json.data as Vector | undefined)?.result
      if (result?.[0]?.value[1] === String(series.length)) break
      if (i > 300) assert.fail(`the samples were not stored: ${JSON.stringify(a.json)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  })
  after(() => app?.dispose())

  // pkg/promlib/healthcheck.go: an instant query `1+1` (refID __healthcheck__) over the time range
  // [1 s, 4 s], run by querydata like a panel query; client.go QueryInstant sends `time` = the end.
  test('Save & test: the health check instant query 1+1 at time=4 (POST, then GET)', async () => {
    const post = await send('POST', '/api/v1/query', goEncode({ query: '1+1', time: '4' }))
    assert.equal(post.status, 200)
    assert.deepEqual(ok(post), { resultType: 'scalar', result: [4, '2'] })
    // httpMethod GET: the same parameters in the URL.
    const get = await send('GET', `/api/v1/query?${goEncode({ query: '1+1', time: '4' })}`)
    assert.deepEqual(ok(get), { resultType: 'scalar', result: [4, '2'] })
    // A wrong key: healthcheck.go turns the non-200 status into "401 Unauthorized - There was an
    // error returned querying the Prometheus API."; the body has Prometheus' error shape.
    const denied = await send('POST', '/api/v1/query', goEncode({ query: '1+1', time: '4' }), {
      ...serverHeaders('POST', 'vgl_not-a-key'),
    })
    assert.equal(denied.status, 401)
    assert.equal(denied.json.status, 'error')
    assert.equal(denied.json.errorType, 'unauthorized')
  })

  // pkg/promlib/heuristics.go (getBuildInfo after every health check: a non-empty `features` means
  // Mimir), pkg/promlib/resource/resource.go DetectVersion (the `version-detect` resource of the
  // configuration page, configuration/PromSettings.tsx: `data.version` must be semver). GET only:
  // client.go endpointsSupportOnlyGet.
  test('Save & test heuristics and version detection: GET /api/v1/status/buildinfo', async () => {
    const data = ok(await send('GET', '/api/v1/status/buildinfo')) as Record<string, unknown>
    assert.match(String(data.version), /^\d+\.\d+\.\d+$/)
    assert.equal(data.version, '2.42.0')
    assert.match(String(data.revision), /^vigil-\d+\.\d+\.\d+/)
    assert.equal(data.features, undefined, 'Grafana takes a server with features for Mimir')
    for (const k of ['revision', 'branch', 'buildUser', 'buildDate', 'goVersion'])
      assert.equal(typeof data[k], 'string', k)
  })

  // packages/grafana-prometheus/src/datasource.ts init(): areExemplarsAvailable() sends
  // query=test with start/end in *milliseconds* (dateTime().valueOf()) as GET, and loadRules() GETs
  // /api/v1/rules for recording rules (res.data.data.groups).
  test('Data source init: exemplar availability probe and recording rules', async () => {
    const probe = browserQuery({
      query: 'test',
      start: String(NOW - 30 * 60_000),
      end: String(NOW),
    })
    const exemplars = await send('GET', `/api/v1/query_exemplars?${probe}`)
    assert.deepEqual(ok(exemplars), [])
    // Grafana keeps the recording rules of the groups: Vigil has alerting rules only (the default
    // anomaly rule here), and none when asked for recording rules.
    const rules = ok(await send('GET', '/api/v1/rules')) as { groups: { rules: { type: string }[] }[] }
    assert.ok(rules.groups.length > 0)
    assert.ok(rules.groups.every((g) => g.rules.every((r) => r.type === 'alerting')))
    assert.deepEqual(ok(await send('GET', '/api/v1/rules?type=record')), { groups: [] })
  })

  // language_provider.ts start(): metric names (label values of __name__), loadMetricsMetadata()
  // (GET /api/v1/metadata, no parameters; fixSummariesMetadata reads an object), fetchLabels()
  // (POST /api/v1/labels with a URLSearchParams of start, end). Newer Grafana 11
  // (resource_clients.ts LabelsApiClient) puts limit=40000 first.
  test('Code editor and metrics browser start: metric names, metadata, label names', async () => {
    const range = snapped(FROM_MS, TO_MS)
    const names = strings(await send('GET', `/api/v1/label/__name__/values?${browserQuery(range)}`))
    assert.deepEqual(names, ['http_request_duration_seconds_bucket', 'http_requests_total', 'up'])
    assert.ok(!names.includes('globex_secret'), "another tenant's metric")
    const limited = `/api/v1/label/__name__/values?${browserQuery({ limit: '40000', ...range })}`
    assert.deepEqual(strings(await send('GET', limited)), names)

    assert.deepEqual(ok(await send('GET', '/api/v1/metadata')), {})

    const labels = strings(await send('POST', '/api/v1/labels', new URLSearchParams(range).toString()))
    assert.deepEqual(labels, ['__name__', 'code', 'instance', 'job', 'le'])
    const body = new URLSearchParams({ limit: '40000', ...range }).toString()
    assert.deepEqual(strings(await send('POST', '/api/v1/labels', body)), labels)
  })

  // language_provider.ts fetchSeriesLabelsMatch (POST /api/v1/labels with match[]),
  // fetchSeriesValuesWithMatch (GET /api/v1/label/<name>/values with match[]), fetchSeries (the
  // browser's "Validate selector": POST /api/v1/series); resource_clients.ts querySeries adds
  // limit=40000 and uses {__name__!=""} for "everything".
  test('Metrics browser: labels, values and series for a selector', async () => {
    const range = snapped(FROM_MS, TO_MS)
    const match = { 'match[]': 'http_requests_total' }
    const labels = strings(
      await send('POST', '/api/v1/labels', new URLSearchParams({ ...range, ...match }).toString()),
    )
    assert.deepEqual(labels, ['__name__', 'code', 'instance', 'job'])

    const values = `/api/v1/label/instance/values?${browserQuery({ ...range, 'match[]': 'http_requests_total{code="200"}' })}`
    assert.deepEqual(strings(await send('GET', values)), ['web-1', 'web-2'])

    const exact = timeRangeParams(FROM_MS, TO_MS)
    const selector = { ...exact, 'match[]': '{__name__="http_requests_total",job="api"}' }
    const found = ok(await send('POST', '/api/v1/series', new URLSearchParams(selector).toString()))
    assert.equal((found as unknown[]).length, 3)

    const all = { ...exact, 'match[]': '{__name__!=""}', limit: '40000' }
    const every = ok(await send('POST', '/api/v1/series', new URLSearchParams(all).toString()))
    assert.equal((every as Record<string, string>[]).length, series.length)
    assert.ok((every as Record<string, string>[]).every((s) => typeof s.__name__ === 'string'))
  })

  // pkg/promlib/resource/resource.go GetSuggestions (the browser POSTs JSON to the `suggestions`
  // resource; Grafana's server calls Prometheus): the parameters go in the URL (url.Values.Encode,
  // sorted) with an empty form body. /api/v1/labels is POSTed; `/api/v1/label/…/values` is POSTed
  // too (its path starts with "/", so endpointsSupportOnlyGet misses it), answered 405, and
  // client.go QueryResource retries it as GET.
  test('Query editor suggestions (Grafana 11 `suggestions` resource): labels, values after 405', async () => {
    const { start, end } = snapped(FROM_MS, TO_MS)
    const query = goEncode({ 'match[]': 'http_requests_total{job="api"}', start, end, limit: '1000' })
    assert.deepEqual(strings(await send('POST', `/api/v1/labels?${query}`, '')), [
      '__name__',
      'code',
      'instance',
      'job',
    ])
    const values = `/api/v1/label/code/values?${query}`
    const post = await fetch(`${app.apiUrl}${values}`, { method: 'POST', headers: serverHeaders('POST') })
    await post.text()
    assert.equal(post.status, 405, 'Prometheus has no POST here either; Grafana retries as GET')
    assert.deepEqual(strings(await send('GET', values)), ['200', '500'])
  })

  // pkg/promlib/querydata/request.go rangeQuery → client.go QueryRange: a form with end, query,
  // start, step (sorted), start/end aligned down to the step (models.AlignTimeRange, utcOffsetSec
  // from the browser), step in seconds (FormatFloat), $__rate_interval and $__range replaced by
  // models.InterpolateVariables with Go durations ("1m0s") and seconds ("3600s"). Grafana 10's client
  // also sends `timeout` when the data source has a query timeout.
  test('Dashboard panel: range queries (POST form, start/end aligned to the step)', async () => {
    const cases = [
      { expr: 'sum by (code) (rate(http_requests_total{job="api"}[1m0s]))', stepMs: 15_000, off: 0, n: 2 },
      {
        expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m0s])))',
        stepMs: 15_000,
        off: 0,
        n: 1,
      },
      { expr: 'sum(increase(http_requests_total[3600s]))', stepMs: 60_000, off: 19_800, n: 1 },
      { expr: 'up{job="api"} == 1', stepMs: 20_000, off: -18_000, n: 2, timeout: '30s' },
    ]
    for (const c of cases) {
      const start = align(FROM_MS, c.stepMs, c.off)
      const end = align(TO_MS, c.stepMs, c.off)
      const form: Record<string, string> = {
        query: c.expr,
        start: goTime(start),
        end: goTime(end),
        step: String(c.stepMs / 1000),
        ...(c.timeout === undefined ? {} : { timeout: c.timeout }),
      }
      const a = await send('POST', '/api/v1/query_range', goEncode(form), {
        ...serverHeaders('POST'),
        ...tracing,
      })
      const data = ok(a) as Matrix
      assert.equal(data.resultType, 'matrix', c.expr)
      assert.equal(data.result.length, c.n, c.expr)
      for (const s of data.result) {
        assert.ok(s.values.length > 0, c.expr)
        for (const [t, v] of s.values) {
          assert.ok(
            t * 1000 >= start && t * 1000 <= end && (t * 1000 - start) % c.stepMs === 0,
            `${c.expr} @${t}`,
          )
          assert.ok(Number.isFinite(Number(v)), `${c.expr}: ${v}`)
        }
      }
    }
    // Annotations (datasource.ts annotationQuery) are range queries with step 60s.
    const start = align(FROM_MS, 60_000)
    const end = align(TO_MS, 60_000)
    const annotation = goEncode({ query: 'up == 1', start: goTime(start), end: goTime(end), step: '60' })
    assert.equal((ok(await send('POST', '/api/v1/query_range', annotation)) as Matrix).result.length, 2)
  })

  // querydata/request.go instantQuery → client.go QueryInstant: query and time (the range's end,
  // not aligned, milliseconds kept); stat and table panels, and the "-Instant" half of Explore's
  // "Both". Explore with Exemplars on also sends client.go QueryExemplars: end, query, start
  // (aligned like the range query); a failure there is only logged.
  test('Dashboard and Explore: instant queries and the exemplar query', async () => {
    const time = goTime(TO_MS)
    assert.match(time, /\.123$/)
    const sum = await send('POST', '/api/v1/query', goEncode({ query: 'sum(up{job="api"})', time }), {
      ...serverHeaders('POST'),
      ...tracing,
    })
    const data = ok(sum) as Vector
    assert.equal(data.resultType, 'vector')
    assert.deepEqual(data.result, [{ metric: {}, value: [TO_MS / 1000, '2'] }])

    const table = goEncode({ query: 'sum by (instance) (http_requests_total)', time })
    const rows = ok(await send('POST', '/api/v1/query', table)) as Vector
    assert.deepEqual(rows.result.map((r) => r.metric.instance).sort(), ['web-1', 'web-2'])

    const exemplars = goEncode({
      query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m0s])))',
      start: goTime(align(FROM_MS, STEP_MS)),
      end: goTime(align(TO_MS, STEP_MS)),
    })
    assert.deepEqual(ok(await send('POST', '/api/v1/query_exemplars', exemplars)), [])
  })

  // metric_find_query.ts: label_names() → datasource.getTagKeys → language_provider fetchLabels
  // (POST /api/v1/labels); label_values(label) and label_values(selector, label) → GET
  // /api/v1/label/<label>/values (match[] first); metrics(regex) → the __name__ values, filtered
  // in the browser; query_result(expr) → POST /api/v1/query with query, time; a plain selector →
  // POST /api/v1/series. Times: getPrometheusTime, whole seconds.
  test('Template variables: label_names, label_values, metrics, query_result, series', async () => {
    const range = timeRangeParams(FROM_MS, TO_MS)
    const snap = snapped(FROM_MS, TO_MS)
    assert.ok(
      strings(await send('POST', '/api/v1/labels', new URLSearchParams(snap).toString())).includes('job'),
    )

    assert.deepEqual(strings(await send('GET', `/api/v1/label/job/values?${browserQuery(range)}`)), ['api'])
    const withMatch = browserQuery({ 'match[]': 'http_requests_total{code="500"}', ...range })
    assert.deepEqual(strings(await send('GET', `/api/v1/label/instance/values?${withMatch}`)), ['web-1'])

    const names = strings(await send('GET', `/api/v1/label/__name__/values?${browserQuery(range)}`))
    assert.deepEqual(
      names.filter((n) => /http_.*_total/.test(n)),
      ['http_requests_total'],
    )

    const qr = new URLSearchParams({
      query: 'topk(1, sum by (instance) (rate(http_requests_total[3600s])))',
      time: String(promSeconds(TO_MS)),
    })
    const top = ok(await send('POST', '/api/v1/query', qr.toString())) as Vector
    assert.equal(top.resultType, 'vector')
    assert.equal(top.result.length, 1)
    assert.equal(top.result[0]!.metric.instance, 'web-2')
    assert.equal(typeof top.result[0]!.value[0], 'number')

    const sel = new URLSearchParams({ 'match[]': 'up{job="api"}', ...range })
    const found = ok(await send('POST', '/api/v1/series', sel.toString())) as Record<string, string>[]
    assert.deepEqual(found, [
      { __name__: 'up', instance: 'web-1', job: 'api' },
      { __name__: 'up', instance: 'web-2', job: 'api' },
    ])
  })

  // datasource.ts getTagKeys with filters → language_provider fetchLabelsWithMatch
  // (fetchSeriesLabelsMatch: POST /api/v1/labels with match[]); getTagValues →
  // fetchSeriesValuesWithMatch (GET /api/v1/label/<key>/values with match[]); the selector comes
  // from promQueryModeller.renderLabels.
  test('Ad hoc filters: keys and values under the current filters', async () => {
    const range = snapped(FROM_MS, TO_MS)
    const keys = new URLSearchParams({ ...range, 'match[]': '{code="500"}' })
    assert.deepEqual(strings(await send('POST', '/api/v1/labels', keys.toString())), [
      '__name__',
      'code',
      'instance',
      'job',
    ])
    const values = browserQuery({ ...range, 'match[]': '{instance="web-2"}' })
    assert.deepEqual(strings(await send('GET', `/api/v1/label/__name__/values?${values}`)), [
      'http_requests_total',
      'up',
    ])
  })
})
