import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ReferencePrometheus } from '../query/testing/reference-prometheus.js'
import { encodeRemoteWrite } from '../query/testing/remote-write.js'
import type { RemoteWriteSeries } from '../query/testing/remote-write.js'
import { IngestApp } from './testing/ingest-app.js'

/**
 * Vigil's PromQL answers against a real Prometheus 2.42 (Debian's package) fed the same
 * remote_write bytes: every query below must give the same status, result type and result, values
 * compared as the exact strings both write. Instant results are compared as sets (Prometheus leaves
 * their order to the evaluation); range results in order (both sort them by labels).
 *
 * The data has what trips PromQL implementations up: counters with resets, irregular scrapes, gaps
 * longer than the lookback, staleness markers, NaN and ±Inf values, negative gauges, series that
 * start and stop inside the range, classic histograms and two metrics sharing all other labels.
 */
const STALE = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!
const SPAN_MS = 40 * 60_000

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function dataset(endMs: number): RemoteWriteSeries[] {
  const start = endMs - SPAN_MS
  const r = rng(42)
  const out: RemoteWriteSeries[] = []
  const series = (
    labels: Record<string, string>,
    sample: (t: number, i: number) => number | undefined,
    every = 15_000,
    jitter = 0,
  ) => {
    const samples: { t: number; v: number }[] = []
    let i = 0
    for (let t = start; t <= endMs; t += every) {
      const ts = t + Math.round(jitter * r())
      const v = sample(ts, i++)
      if (v !== undefined) samples.push({ t: ts, v })
    }
    out.push({ labels, samples })
  }
  for (const job of ['api', 'web']) {
    for (const instance of ['a', 'b', 'c']) {
      // A counter, resetting now and then.
      let c = 0
      series(
        { __name__: 'http_requests_total', job, instance, code: '200' },
        (_t, i) => {
          if (i > 0 && i % 37 === 0 && instance === 'b') c = 0
          c += Math.floor(r() * 20)
          return c
        },
        15_000,
        2_000,
      )
      let e = 0
      series(
        { __name__: 'http_requests_total', job, instance, code: '500' },
        () => (e += r() < 0.3 ? 1 : 0),
        30_000,
      )
      // A gauge crossing zero.
      series(
        { __name__: 'temperature', job, instance },
        (_t, i) => Math.sin(i / 7) * 10 + (r() - 0.5),
        10_000,
        1_000,
      )
      // Histogram buckets (cumulative).
      let counts = [0, 0, 0, 0]
      const les = ['0.1', '0.5', '1', '+Inf']
      const obs: number[][] = []
      series({ __name__: 'lat_seconds_count', job, instance }, () => {
        const add = [r() * 5, r() * 5, r() * 3, r() * 2].map(Math.floor)
        counts = counts.map((x, k) => x + add.slice(0, k + 1).reduce((a, b) => a + b, 0))
        obs.push([...counts])
        return counts[3]
      })
      les.forEach((le, k) => {
        let n = 0
        series({ __name__: 'lat_seconds_bucket', job, instance, le }, () => obs[n++]![k])
      })
    }
  }
  // Gaps longer than the lookback, and a staleness marker in the middle.
  series(
    { __name__: 'flappy', job: 'api' },
    (t) => {
      const m = (t - start) / 60_000
      if (m > 10 && m < 17) return undefined
      if (Math.abs(m - 25) < 0.2) return STALE
      return m
    },
    15_000,
  )
  // Special values.
  series({ __name__: 'odd', kind: 'nan' }, (_t, i) => (i % 5 === 0 ? NaN : i), 15_000)
  series(
    { __name__: 'odd', kind: 'inf' },
    (_t, i) => (i % 7 === 0 ? Infinity : i % 11 === 0 ? -Infinity : -i),
    15_000,
  )
  series({ __name__: 'odd', kind: 'tiny' }, (_t, i) => 1e-9 * (i + 1) + 1e22 * (i % 2), 20_000)
  // Starts late, ends early.
  series(
    { __name__: 'short_lived', job: 'web' },
    (t) => (t > start + 15 * 60_000 && t < start + 28 * 60_000 ? t / 1e9 : undefined),
    5_000,
  )
  // Two metrics with the same other labels (rate() of both collides).
  series({ __name__: 'twin_a', job: 'x' }, (_t, i) => i, 15_000)
  series({ __name__: 'twin_b', job: 'x' }, (_t, i) => 2 * i, 15_000)
  return out
}

const instantQueries = [
  'http_requests_total',
  'http_requests_total{job="api",code!="500"}',
  'http_requests_total{instance=~"a|b"}',
  'http_requests_total{instance!~"a.*"}',
  'rate(http_requests_total[5m])',
  'irate(http_requests_total[1m])',
  'increase(http_requests_total[10m])',
  'delta(temperature[5m])',
  'idelta(temperature[2m])',
  'rate(http_requests_total[1m] offset 3m)',
  'avg_over_time(temperature[5m])',
  'min_over_time(temperature[3m])',
  'max_over_time(temperature[3m])',
  'sum_over_time(temperature[7m])',
  'count_over_time(http_requests_total[4m])',
  'last_over_time(temperature[1m])',
  'quantile_over_time(0.9, temperature[10m])',
  'sum(rate(http_requests_total[5m]))',
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum without (instance) (rate(http_requests_total[5m]))',
  'avg by (code) (http_requests_total)',
  'min(temperature)',
  'max by (job) (temperature)',
  'count(http_requests_total)',
  'topk(3, temperature)',
  'bottomk(2, http_requests_total)',
  'topk by (job) (1, temperature)',
  'quantile(0.5, temperature)',
  'quantile by (job) (0.25, temperature)',
  'histogram_quantile(0.9, sum by (le, job) (rate(lat_seconds_bucket[5m])))',
  'histogram_quantile(0.5, rate(lat_seconds_bucket[5m]))',
  'rate(http_requests_total[5m]) * 60',
  '2 ^ temperature',
  'temperature > 0',
  'temperature > bool 0',
  '0 < temperature',
  'http_requests_total / on(job, instance) group_left lat_seconds_count',
  'http_requests_total{code="500"} / ignoring(code) http_requests_total{code="200"}',
  'lat_seconds_count + on(job, instance) group_right temperature',
  'temperature and on(job) http_requests_total{instance="a", code="200"}',
  'temperature or odd',
  'http_requests_total unless on(instance) temperature{instance="c"}',
  'flappy',
  'odd',
  'odd * 2',
  'abs(temperature)',
  'ceil(temperature)',
  'floor(temperature)',
  'round(temperature, 0.5)',
  'clamp(temperature, -2, 2)',
  'clamp_min(temperature, 0)',
  'clamp_max(temperature, 0)',
  'sqrt(abs(temperature))',
  'exp(temperature)',
  'ln(abs(temperature))',
  'log2(http_requests_total)',
  'log10(http_requests_total)',
  'scalar(sum(temperature))',
  'vector(1)',
  'time()',
  'timestamp(temperature)',
  'sort(temperature)',
  'sort_desc(temperature)',
  '1 + 2 * 3',
  '-temperature',
  'short_lived',
  'rate(short_lived[5m])',
  'rate({__name__=~"twin_.*"}[5m])',
  'twin_a',
  'http_requests_total[1m]',
  'temperature offset 10m',
  '"a string"',
  'http_requests_total + on(job) http_requests_total',
  'sum(', // a syntax error
  '{job=~".*"}',
]

const rangeQueries = [
  'rate(http_requests_total[5m])',
  'sum by (job) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.95, sum by (le) (rate(lat_seconds_bucket[5m])))',
  'flappy',
  'short_lived',
  'temperature > 0',
  'avg_over_time(odd[2m])',
  'topk(2, temperature)',
  'time()',
  '-{__name__=~"twin_.*"}',
  'rate({__name__=~"twin_.*"}[5m])',
  'http_requests_total[5m]',
]

let prom: ReferencePrometheus
let vigil: IngestApp
let endMs: number
let metricNames: string[] = []

before(async () => {
  endMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000
  prom = await ReferencePrometheus.start()
  vigil = await IngestApp.start({ store: { raw: { metrics: true } } })
  const data = dataset(endMs)
  metricNames = [...new Set(data.map((d) => d.labels.__name__!))]
  const body = encodeRemoteWrite(data)
  await prom.remoteWrite(body)
  const res = await vigil.post('/api/v1/write', body, {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'snappy',
  })
  assert.ok(res.ok, `vigil refused the remote_write: ${res.status} ${await res.text()}`)
  // The store sink writes asynchronously: wait until every sample is queryable.
  const want = await countSamples(promGet)
  assert.ok(want !== undefined, 'prometheus answers the sample count')
  for (let i = 0; ; i++) {
    const got = await countSamples(getVigil)
    if (got === want) break
    if (i > 200) assert.fail(`vigil stored ${got} samples, prometheus ${want}`)
    await new Promise((r) => setTimeout(r, 100))
  }
})

after(async () => {
  await prom?.stop()
  await vigil?.dispose()
})

interface PromBody {
  readonly status: string
  readonly errorType?: string
  readonly error?: string
  readonly data?: { readonly resultType?: string; readonly result?: unknown }
}
type Get = (
  path: string,
  params: Record<string, string | string[]>,
) => Promise<{ status: number; body: PromBody }>
const promGet: Get = async (path, params) => {
  const r = await prom.get(path, params)
  return { status: r.status, body: r.body as PromBody }
}

async function getVigil(
  path: string,
  params: Record<string, string | string[]>,
): Promise<{ status: number; body: PromBody }> {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x)
  const res = await fetch(`${vigil.apiUrl}${path}?${q}`)
  return { status: res.status, body: (await res.json()) as PromBody }
}

/** Samples stored per metric name, summed (per name: count_over_time drops the name). */
async function countSamples(get: Get): Promise<number | undefined> {
  let total = 0
  for (const name of metricNames) {
    const r = await get('/api/v1/query', {
      query: `sum(count_over_time(${name}[50m]))`,
      time: String(endMs / 1000),
    })
    const result = r.body.data?.result as { value: [number, string] }[] | undefined
    const n = result?.[0]?.value[1]
    if (n === undefined) return undefined
    total += Number(n)
  }
  return total
}

/**
 * Go computes exp and pow with its own algorithms (math.Exp in amd64 assembly, math.Pow in Go),
 * which round the last bit differently from V8's fdlibm ports now and then. For those two
 * functions (documented in docs/query.md) values are compared to 15 significant digits.
 */
const LAST_BIT_TOLERANT = new Set(['exp(temperature)', '2 ^ temperature'])

/** Same rows, values equal to 1e-14 relative (for LAST_BIT_TOLERANT queries). */
function nearlyEqual(want: unknown, got: unknown): boolean {
  const rows = (x: unknown) =>
    ((x as { result?: unknown }).result ?? []) as { metric: unknown; value: [number, string] }[]
  const a = rows(want)
  const b = rows(got)
  return (
    a.length === b.length &&
    a.every((r, i) => {
      const o = b[i]!
      const x = Number(r.value[1])
      const y = Number(o.value[1])
      return (
        JSON.stringify(r.metric) === JSON.stringify(o.metric) &&
        r.value[0] === o.value[0] &&
        (x === y || Math.abs(x - y) <= 1e-14 * Math.max(Math.abs(x), Math.abs(y)))
      )
    })
  )
}

function canonical(body: PromBody, ordered: boolean): unknown {
  if (body.status !== 'success') return { status: body.status, errorType: body.errorType }
  const { resultType, result } = body.data ?? {}
  if (!Array.isArray(result) || resultType === 'scalar' || resultType === 'string' || ordered)
    return body.data
  return { resultType, result: [...result].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) }
}

/** What differs, briefly: the statuses, or the result rows only one side has. */
function describeDifference(
  p: { status: number; body: PromBody },
  v: { status: number; body: PromBody },
  want: unknown,
  got: unknown,
): string {
  if (p.status !== v.status || p.body.status !== 'success' || v.body.status !== 'success') {
    return `prometheus ${p.status} ${JSON.stringify(want).slice(0, 300)}, vigil ${v.status} ${JSON.stringify(got).slice(0, 300)} ${v.body.error ?? ''}`
  }
  const rows = (x: unknown) => {
    const r = (x as { result?: unknown }).result
    return Array.isArray(r) ? r.map((e) => JSON.stringify(e)) : [JSON.stringify(r)]
  }
  const a = rows(want)
  const b = rows(got)
  const onlyP = a.filter((e) => !b.includes(e))
  const onlyV = b.filter((e) => !a.includes(e))
  return `only prometheus: ${onlyP.slice(0, 3).join(' ')} | only vigil: ${onlyV.slice(0, 3).join(' ')}`
}

test('instant queries answer exactly as Prometheus 2.42 does', async () => {
  const times = [
    endMs,
    endMs - 7 * 60_000 + 500,
    endMs - 14 * 60_000 - 3_000,
    endMs - 25 * 60_000,
    endMs - 31 * 60_000,
  ]
  const mismatches: string[] = []
  for (const query of instantQueries) {
    for (const t of times) {
      const params = { query, time: String(t / 1000) }
      const [p, v] = await Promise.all([promGet('/api/v1/query', params), getVigil('/api/v1/query', params)])
      const want = canonical(p.body, false)
      const got = canonical(v.body, false)
      const same =
        p.status === v.status &&
        (JSON.stringify(want) === JSON.stringify(got) ||
          (LAST_BIT_TOLERANT.has(query) && nearlyEqual(want, got)))
      if (!same) {
        mismatches.push(`${query} @ ${t}: ${describeDifference(p, v, want, got)}`)
      }
    }
  }
  assert.deepEqual(mismatches, [])
})

test('range queries answer exactly as Prometheus 2.42 does', async () => {
  const mismatches: string[] = []
  const windows = [
    { start: endMs - 30 * 60_000, end: endMs, step: '60' },
    { start: endMs - 20 * 60_000 + 250, end: endMs - 5 * 60_000, step: '17.5' },
  ]
  for (const query of rangeQueries) {
    for (const w of windows) {
      const params = { query, start: String(w.start / 1000), end: String(w.end / 1000), step: w.step }
      const [p, v] = await Promise.all([
        promGet('/api/v1/query_range', params),
        getVigil('/api/v1/query_range', params),
      ])
      const want = canonical(p.body, true)
      const got = canonical(v.body, true)
      if (p.status !== v.status || JSON.stringify(want) !== JSON.stringify(got)) {
        mismatches.push(
          `${query} ${JSON.stringify(w)}: prometheus ${p.status} ${JSON.stringify(want).slice(0, 300)}\n   vigil ${v.status} ${JSON.stringify(got).slice(0, 300)}${v.body.error ? ` (${v.body.error})` : ''}`,
        )
      }
    }
  }
  assert.deepEqual(mismatches, [])
})

test('series, labels and label values list what Prometheus lists', async () => {
  const cases: [string, Record<string, string | string[]>][] = [
    ['/api/v1/series', { 'match[]': ['http_requests_total{job="api"}', 'temperature'] }],
    ['/api/v1/series', { 'match[]': 'odd' }],
    ['/api/v1/labels', {}],
    ['/api/v1/labels', { 'match[]': 'lat_seconds_bucket' }],
    ['/api/v1/label/__name__/values', {}],
    ['/api/v1/label/job/values', { 'match[]': 'temperature' }],
    ['/api/v1/label/le/values', {}],
    ['/api/v1/series', {}],
  ]
  for (const [path, params] of cases) {
    const [p, v] = await Promise.all([promGet(path, params), getVigil(path, params)])
    assert.equal(v.status, p.status, `${path} ${JSON.stringify(params)}`)
    assert.deepEqual(canonical(v.body, true), canonical(p.body, true), `${path} ${JSON.stringify(params)}`)
  }
})
