import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { labelsKey } from '../core/batch/index.js'
import type { Labels, MetricBatch } from '../core/batch/index.js'
import { systemClock } from '../core/index.js'
import { parseIncident } from '../gen/index.js'
import type { GenOptionsInput, Payload } from '../gen/index.js'
import { decodeOtlpMetricsProto } from '../ingest/otlp/index.js'
import { decodeRemoteWrite } from '../ingest/prometheus/index.js'
import { STORE_FILE, StoreDatabase, resultTableName } from '../store/index.js'
import { IngestApp } from './testing/ingest-app.js'
import { VirtualTime } from './testing/virtual-gen.js'
import type { VirtualGenRun } from './testing/virtual-gen.js'

/**
 * End to end: `vigil gen` traffic → ingest → engine → store → PromQL.
 *
 * The generator behind `vigil gen` (`runGenerator`) runs in-process with a fixed seed against a real
 * all-in-one over HTTP, in simulated time (testing/virtual-gen.ts): 20 minutes of metrics (3
 * services, 60 series, 6 samples/s, so each series gets a sample about every 10 s, with a
 * queue spike, a latency incident and a memory level shift) take a few seconds. Two generators run
 * in lockstep: one sends remote_write as tenant `gen-rw`, the other OTLP/HTTP as tenant `gen-otlp`
 * (same seed, so the same values at the same times).
 *
 * The expected answers are computed here, independently of Vigil's query code: the exact request
 * bodies the generator sent and Vigil acknowledged are decoded (with the ingest decoders) into
 * (labels, t, v) lists, and the small PromQL subset the queries use is evaluated over them by the
 * reference functions below, written from Prometheus 2.42's documented semantics (5 m lookback,
 * closed range windows `[t − range, t]`, extrapolated `rate`/`increase`, `histogram_quantile`'s
 * linear interpolation inside the bucket).
 *
 * Tolerances: counts, series counts, `max`/`min`/`*_over_time` of raw values, raw instant values
 * and sums of integer counters must be **exactly** equal. Answers that are floating-point
 * arithmetic on samples (`rate`, `increase`, `avg_over_time`, `histogram_quantile`, sums of
 * rates, a division) may differ by the order of additions, so they are compared to a **relative
 * 1e-9** (`|a − b| ≤ 1e-9 · max(|a|, |b|)`); how many of them matched bit for bit is reported as a
 * test diagnostic. The engine's rollups (`rollups_10s`, `rollups_1m` in DuckDB, read after a clean
 * shutdown) are compared the same way: count, min, max, last exact; sum and mean to 1e-9.
 */

const MIN = 60_000
/** A fixed epoch (2026-06-01T09:00:07.250Z) so that every run sends the same bytes. */
const START_MS = Date.UTC(2026, 5, 1, 9, 0, 7, 250)
const RUN_S = 20 * 60
const SEED = 424_242
const LOOKBACK_MS = 5 * MIN
const TENANTS = { rw: 'gen-rw', otlp: 'gen-otlp' } as const
const FLOAT_TOLERANCE = 1e-9

const GEN: GenOptionsInput = {
  signals: ['metrics'],
  services: 3,
  series: 60,
  rate: 6,
  durationS: RUN_S,
  concurrency: 1,
  batch: { metrics: 60 },
  seed: SEED,
  pool: 0,
  incidents: [
    parseIncident('spike@300:checkout'),
    parseIncident('latency@600:payments'),
    parseIncident('level-shift@900:checkout'),
  ],
}

// ---------------------------------------------------------------------------------------------
// The reference: samples as sent, and the PromQL subset the queries below use.

type LabelMap = Readonly<Record<string, string>>

interface RefSeries {
  readonly flat: Labels
  readonly labels: LabelMap
  readonly t: number[]
  readonly v: number[]
}

interface Row {
  readonly labels: LabelMap
  readonly value: number
}

type Selector = (labels: LabelMap) => boolean

const named =
  (name: string): Selector =>
  (l) =>
    l['__name__'] === name
const anyName: Selector = (l) => (l['__name__'] ?? '') !== ''

function labelMap(flat: Labels): LabelMap {
  const out: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

function withoutLabels(labels: LabelMap, drop: readonly string[]): LabelMap {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !drop.includes(k)))
}

function keyOf(labels: LabelMap): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Decodes what the generator sent (and Vigil acknowledged) with the ingest decoders. */
function decodeSent(payloads: readonly Payload[], tenant: string): MetricBatch[] {
  return payloads.map((p) => {
    const res =
      p.protocol === 'remote_write'
        ? decodeRemoteWrite(p.body, tenant)
        : decodeOtlpMetricsProto(p.body, tenant)
    assert.ok(res.ok, `request ${p.seq} decodes: ${res.ok ? '' : res.reason}`)
    assert.equal(res.rejected, 0, `request ${p.seq} has no rejected point`)
    assert.equal(res.batch.keptPoints.length, 0)
    assert.equal(res.batch.length, p.records, `request ${p.seq}: records = decoded samples`)
    return res.batch
  })
}

function toSeries(batches: readonly MetricBatch[]): RefSeries[] {
  const byKey = new Map<string, RefSeries>()
  for (const b of batches) {
    for (let k = 0; k < b.length; k++) {
      const flat = b.series[b.seriesIdx[k]!]!
      const key = labelsKey(flat)
      let s = byKey.get(key)
      if (s === undefined) byKey.set(key, (s = { flat, labels: labelMap(flat), t: [], v: [] }))
      const ts = b.ts[k]!
      assert.ok(s.t.length === 0 || ts > s.t[s.t.length - 1]!, `${key}: timestamps strictly increase`)
      s.t.push(ts)
      s.v.push(b.value[k]!)
    }
  }
  return [...byKey.values()]
}

/** Index of the last sample at or before `t`, or -1. */
function lastAtOrBefore(ts: readonly number[], t: number): number {
  let lo = 0
  let hi = ts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ts[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** Index of the first sample at or after `t` (`ts.length` when none). */
function firstAtOrAfter(ts: readonly number[], t: number): number {
  let lo = 0
  let hi = ts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ts[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `sel` at `t`: each series' latest sample in `[t − 5m, t]`, labels kept. */
function instant(data: readonly RefSeries[], sel: Selector, t: number): Row[] {
  const out: Row[] = []
  for (const s of data) {
    if (!sel(s.labels)) continue
    const i = lastAtOrBefore(s.t, t)
    if (i >= 0 && s.t[i]! >= t - LOOKBACK_MS) out.push({ labels: s.labels, value: s.v[i]! })
  }
  return out
}

type RangeFn = (
  ts: readonly number[],
  vs: readonly number[],
  t: number,
  rangeMs: number,
) => number | undefined

/** `fn(sel[range])` at `t` over the samples in `[t − range, t]`; the metric name is dropped. */
function overRange(
  data: readonly RefSeries[],
  sel: Selector,
  t: number,
  rangeMs: number,
  fn: RangeFn,
): Row[] {
  const out: Row[] = []
  for (const s of data) {
    if (!sel(s.labels)) continue
    const from = firstAtOrAfter(s.t, t - rangeMs)
    const to = lastAtOrBefore(s.t, t) + 1
    if (to <= from) continue
    const value = fn(s.t.slice(from, to), s.v.slice(from, to), t, rangeMs)
    if (value !== undefined) out.push({ labels: withoutLabels(s.labels, ['__name__']), value })
  }
  return out
}

const countOverTime: RangeFn = (ts) => ts.length
const maxOverTime: RangeFn = (_t, vs) => Math.max(...vs)
const minOverTime: RangeFn = (_t, vs) => Math.min(...vs)
const avgOverTime: RangeFn = (_t, vs) => vs.reduce((a, b) => a + b, 0) / vs.length

/**
 * Prometheus' `rate`/`increase` (extrapolatedRate, 2.x): the counter's rise between the first
 * and last sample of the window (resets add the value before the reset), extrapolated to the
 * window's edges when the first/last sample is within 1.1 average sample intervals of them (else
 * by half an interval), never to before the counter's zero point; `rate` divides by the range.
 */
function extrapolated(isRate: boolean): RangeFn {
  return (ts, vs, t, rangeMs) => {
    const n = ts.length
    if (n < 2) return undefined
    let delta = vs[n - 1]! - vs[0]!
    for (let i = 1; i < n; i++) if (vs[i]! < vs[i - 1]!) delta += vs[i - 1]!
    const sampled = (ts[n - 1]! - ts[0]!) / 1000
    const average = sampled / (n - 1)
    let toStart = (ts[0]! - (t - rangeMs)) / 1000
    const toEnd = (t - ts[n - 1]!) / 1000
    if (delta > 0 && vs[0]! >= 0) toStart = Math.min(toStart, sampled * (vs[0]! / delta))
    const threshold = average * 1.1
    let interval = sampled
    interval += toStart < threshold ? toStart : average / 2
    interval += toEnd < threshold ? toEnd : average / 2
    let factor = interval / sampled
    if (isRate) factor /= rangeMs / 1000
    return delta * factor
  }
}
const rate = extrapolated(true)
const increase = extrapolated(false)

type AggregateOp = 'sum' | 'count' | 'max' | 'min'

/** `op by (labels) (rows)`: a group per distinct value of the `by` labels (absent ones left out). */
function aggregate(rows: readonly Row[], by: readonly string[], op: AggregateOp): Row[] {
  const groups = new Map<string, { labels: LabelMap; values: number[] }>()
  for (const r of rows) {
    const labels = Object.fromEntries(by.flatMap((k) => (r.labels[k] ? [[k, r.labels[k]]] : [])))
    const key = keyOf(labels)
    let g = groups.get(key)
    if (g === undefined) groups.set(key, (g = { labels, values: [] }))
    g.values.push(r.value)
  }
  return [...groups.values()].map(({ labels, values }) => {
    const value =
      op === 'sum'
        ? values.reduce((a, b) => a + b, 0)
        : op === 'count'
          ? values.length
          : op === 'max'
            ? Math.max(...values)
            : Math.min(...values)
    return { labels, value }
  })
}

/**
 * `histogram_quantile(q, rows)` (Prometheus 2.x bucketQuantile): per label set without `le`, the
 * buckets sorted by bound, made monotonic; the rank `q · count(+Inf)` falls into the first bucket
 * whose count reaches it, and the answer interpolates linearly inside that bucket (the highest
 * finite bound when it falls into +Inf; NaN without a +Inf bucket or observations).
 */
function histogramQuantile(q: number, rows: readonly Row[]): Row[] {
  const groups = new Map<string, { labels: LabelMap; buckets: { upper: number; count: number }[] }>()
  for (const r of rows) {
    const le = r.labels['le']
    if (le === undefined) continue
    const labels = withoutLabels(r.labels, ['le', '__name__'])
    const key = keyOf(labels)
    let g = groups.get(key)
    if (g === undefined) groups.set(key, (g = { labels, buckets: [] }))
    g.buckets.push({ upper: le === '+Inf' ? Infinity : Number(le), count: r.value })
  }
  return [...groups.values()].map(({ labels, buckets }) => {
    buckets.sort((a, b) => a.upper - b.upper)
    return { labels, value: bucketQuantile(q, buckets) }
  })
}

function bucketQuantile(q: number, sorted: { upper: number; count: number }[]): number {
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upper !== Infinity) return NaN
  const b: { upper: number; count: number }[] = []
  for (const x of sorted) {
    const last = b[b.length - 1]
    if (last !== undefined && last.upper === x.upper) last.count += x.count
    else b.push({ ...x })
  }
  let max = -Infinity
  for (const x of b) {
    if (x.count > max) max = x.count
    else x.count = max
  }
  if (b.length < 2) return NaN
  const observations = b[b.length - 1]!.count
  if (observations === 0) return NaN
  let rank = q * observations
  let i = b.findIndex((x) => x.count >= rank)
  if (i < 0 || i > b.length - 1) i = b.length - 1
  if (i === b.length - 1) return b[b.length - 2]!.upper
  if (i === 0 && b[0]!.upper <= 0) return b[0]!.upper
  let start = 0
  let count = b[i]!.count
  if (i > 0) {
    start = b[i - 1]!.upper
    count -= b[i - 1]!.count
    rank -= b[i - 1]!.count
  }
  return start + (b[i]!.upper - start) * (rank / count)
}

// ---------------------------------------------------------------------------------------------
// The queries.

interface Case {
  readonly query: string
  /** Exact equality, or the relative float tolerance. */
  readonly exact: boolean
  readonly want: (data: readonly RefSeries[], t: number) => Row[]
}

const METRIC_NAMES = [
  'process_cpu_usage',
  'process_resident_memory_bytes',
  'queue_depth',
  'http_requests_total',
  'http_request_duration_seconds_bucket',
  'http_request_duration_seconds_sum',
  'http_request_duration_seconds_count',
]

const instantCases: readonly Case[] = [
  {
    query: 'count by (__name__) ({__name__=~".+"})',
    exact: true,
    want: (d, t) => aggregate(instant(d, anyName, t), ['__name__'], 'count'),
  },
  { query: 'http_requests_total', exact: true, want: (d, t) => instant(d, named('http_requests_total'), t) },
  {
    query: 'sum by (service) (http_requests_total)',
    exact: true,
    want: (d, t) => aggregate(instant(d, named('http_requests_total'), t), ['service'], 'sum'),
  },
  {
    query: 'count_over_time(http_requests_total[1h])',
    exact: true,
    want: (d, t) => overRange(d, named('http_requests_total'), t, 60 * MIN, countOverTime),
  },
  {
    query: 'max_over_time(process_cpu_usage[1h])',
    exact: true,
    want: (d, t) => overRange(d, named('process_cpu_usage'), t, 60 * MIN, maxOverTime),
  },
  {
    query: 'max_over_time(queue_depth[1h])',
    exact: true,
    want: (d, t) => overRange(d, named('queue_depth'), t, 60 * MIN, maxOverTime),
  },
  {
    query: 'min_over_time(process_resident_memory_bytes[15m])',
    exact: true,
    want: (d, t) => overRange(d, named('process_resident_memory_bytes'), t, 15 * MIN, minOverTime),
  },
  {
    query: 'max by (service) (queue_depth)',
    exact: true,
    want: (d, t) => aggregate(instant(d, named('queue_depth'), t), ['service'], 'max'),
  },
  ...METRIC_NAMES.map((name): Case => ({
    query: `sum(count_over_time(${name}[1h]))`,
    exact: true,
    want: (d, t) => aggregate(overRange(d, named(name), t, 60 * MIN, countOverTime), [], 'sum'),
  })),
  {
    query: 'rate(http_requests_total[5m])',
    exact: false,
    want: (d, t) => overRange(d, named('http_requests_total'), t, 5 * MIN, rate),
  },
  {
    query: 'rate(http_request_duration_seconds_count[3m])',
    exact: false,
    want: (d, t) => overRange(d, named('http_request_duration_seconds_count'), t, 3 * MIN, rate),
  },
  {
    query: 'sum by (service, status) (increase(http_requests_total[10m]))',
    exact: false,
    want: (d, t) =>
      aggregate(
        overRange(d, named('http_requests_total'), t, 10 * MIN, increase),
        ['service', 'status'],
        'sum',
      ),
  },
  {
    query: 'avg_over_time(process_cpu_usage[10m])',
    exact: false,
    want: (d, t) => overRange(d, named('process_cpu_usage'), t, 10 * MIN, avgOverTime),
  },
  {
    query: 'histogram_quantile(0.9, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))',
    exact: false,
    want: (d, t) =>
      histogramQuantile(
        0.9,
        aggregate(
          overRange(d, named('http_request_duration_seconds_bucket'), t, 5 * MIN, rate),
          ['le', 'service'],
          'sum',
        ),
      ),
  },
  {
    query: 'sum(http_request_duration_seconds_sum) / sum(http_request_duration_seconds_count)',
    exact: false,
    want: (d, t) => {
      const [num] = aggregate(instant(d, named('http_request_duration_seconds_sum'), t), [], 'sum')
      const [den] = aggregate(instant(d, named('http_request_duration_seconds_count'), t), [], 'sum')
      return num === undefined || den === undefined ? [] : [{ labels: {}, value: num.value / den.value }]
    },
  },
]

const rangeCases: readonly Case[] = [
  {
    query: 'sum by (service) (rate(http_requests_total[5m]))',
    exact: false,
    want: (d, t) =>
      aggregate(overRange(d, named('http_requests_total'), t, 5 * MIN, rate), ['service'], 'sum'),
  },
  {
    query: 'max_over_time(queue_depth[2m])',
    exact: true,
    want: (d, t) => overRange(d, named('queue_depth'), t, 2 * MIN, maxOverTime),
  },
  {
    query: 'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    exact: false,
    want: (d, t) =>
      histogramQuantile(
        0.5,
        aggregate(
          overRange(d, named('http_request_duration_seconds_bucket'), t, 5 * MIN, rate),
          ['le'],
          'sum',
        ),
      ),
  },
  {
    query: 'count by (__name__) ({__name__=~".+"})',
    exact: true,
    want: (d, t) => aggregate(instant(d, anyName, t), ['__name__'], 'count'),
  },
]

// ---------------------------------------------------------------------------------------------
// Comparing Vigil's answers.

interface PromBody {
  readonly status: string
  readonly error?: string
  readonly data?: { readonly resultType?: string; readonly result?: unknown }
}

function promNumber(s: string): number {
  return s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s)
}

/** Matches bit for bit, within the tolerance, or not at all. */
class Tally {
  exact = 0
  tolerated = 0
  worst = 0
  worstAt = ''

  same(want: number, got: number, exact: boolean, where: string): boolean {
    if (Object.is(want, got) || want === got || (Number.isNaN(want) && Number.isNaN(got))) {
      this.exact++
      return true
    }
    if (exact) return false
    const rel = Math.abs(want - got) / Math.max(Math.abs(want), Math.abs(got))
    if (!(rel <= FLOAT_TOLERANCE)) return false
    this.tolerated++
    if (rel > this.worst) {
      this.worst = rel
      this.worstAt = where
    }
    return true
  }
}

function compareVector(
  c: Case,
  body: PromBody,
  want: readonly Row[],
  tally: Tally,
  where: string,
  mismatches: string[],
): void {
  if (body.status !== 'success' || body.data?.resultType !== 'vector') {
    mismatches.push(`${where}: ${body.status} ${body.data?.resultType ?? ''} ${body.error ?? ''}`)
    return
  }
  const got = new Map(
    (body.data.result as { metric: LabelMap; value: [number, string] }[]).map((r) => [keyOf(r.metric), r]),
  )
  const wanted = new Map(want.map((r) => [keyOf(r.labels), r]))
  for (const [key, r] of wanted) {
    const g = got.get(key)
    if (g === undefined) mismatches.push(`${where}: missing ${key} (want ${r.value})`)
    else if (!tally.same(r.value, promNumber(g.value[1]), c.exact, `${where} ${key}`)) {
      mismatches.push(`${where} ${key}: want ${r.value}, got ${g.value[1]}`)
    }
  }
  for (const [key, g] of got)
    if (!wanted.has(key)) mismatches.push(`${where}: unexpected ${key} = ${g.value[1]}`)
}

function compareMatrix(
  c: Case,
  body: PromBody,
  data: readonly RefSeries[],
  steps: readonly number[],
  tally: Tally,
  where: string,
  mismatches: string[],
): void {
  if (body.status !== 'success' || body.data?.resultType !== 'matrix') {
    mismatches.push(`${where}: ${body.status} ${body.data?.resultType ?? ''} ${body.error ?? ''}`)
    return
  }
  const want = new Map<string, { t: number; v: number }[]>()
  for (const t of steps) {
    for (const r of c.want(data, t)) {
      const key = keyOf(r.labels)
      const points = want.get(key) ?? []
      points.push({ t, v: r.value })
      want.set(key, points)
    }
  }
  const got = new Map(
    (body.data.result as { metric: LabelMap; values: [number, string][] }[]).map((r) => [
      keyOf(r.metric),
      r.values,
    ]),
  )
  for (const [key, points] of want) {
    const g = got.get(key)
    if (g === undefined) {
      mismatches.push(`${where}: missing ${key}`)
      continue
    }
    if (g.length !== points.length)
      mismatches.push(`${where} ${key}: want ${points.length} points, got ${g.length}`)
    points.forEach((p, i) => {
      const gp = g[i]
      if (gp === undefined) return
      if (Math.round(gp[0] * 1000) !== p.t)
        mismatches.push(`${where} ${key} point ${i}: at ${gp[0]}, want ${p.t / 1000}`)
      else if (!tally.same(p.v, promNumber(gp[1]), c.exact, `${where} ${key} @${p.t}`)) {
        mismatches.push(`${where} ${key} @${p.t / 1000}: want ${p.v}, got ${gp[1]}`)
      }
    })
  }
  for (const key of got.keys()) if (!want.has(key)) mismatches.push(`${where}: unexpected ${key}`)
}

// ---------------------------------------------------------------------------------------------
// The run.

let vigil: IngestApp
const runs = new Map<string, VirtualGenRun>()
const data = new Map<string, RefSeries[]>()
let lastTsMs = 0
const startedAt = Date.now()

async function promGet(tenant: string, path: string, params: Record<string, string>): Promise<PromBody> {
  const res = await fetch(`${vigil.apiUrl}${path}?${new URLSearchParams(params)}`, {
    headers: { 'X-Scope-OrgID': tenant },
  })
  return (await res.json()) as PromBody
}

async function scalarOf(tenant: string, query: string, t: number): Promise<number | undefined> {
  const body = await promGet(tenant, '/api/v1/query', { query, time: String(t / 1000) })
  const v = (body.data?.result as { value: [number, string] }[] | undefined)?.[0]?.value[1]
  return v === undefined ? undefined : Number(v)
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${vigil.apiUrl}${path}`)
  assert.equal(res.status, 200, path)
  return (await res.json()) as Record<string, unknown>
}

before(async () => {
  vigil = await IngestApp.start({
    store: {
      raw: { metrics: true },
      // The data sits at a fixed date: keep retention from deleting it whatever today is.
      retention: { default: '36500d', tables: { samples: '36500d', rollups_10s: '36500d' } },
    },
  })
  const time = new VirtualTime(START_MS)
  const [rw, otlp] = await time.runAll([
    { ...GEN, url: vigil.ingestUrl, tenant: TENANTS.rw, metricsProtocol: 'remote_write' },
    { ...GEN, url: vigil.ingestUrl, tenant: TENANTS.otlp, metricsProtocol: 'otlp' },
  ])
  runs.set(TENANTS.rw, rw!)
  runs.set(TENANTS.otlp, otlp!)
  for (const [tenant, run] of runs) {
    data.set(tenant, toSeries(decodeSent(run.acked, tenant)))
    lastTsMs = Math.max(lastTsMs, ...run.acked.map((p) => p.tsMs))
  }
  // The store sink writes asynchronously: wait until every sample is queryable.
  for (const [tenant, series] of data) {
    for (const name of METRIC_NAMES) {
      const want = series.filter((s) => s.labels['__name__'] === name).reduce((a, s) => a + s.t.length, 0)
      for (let i = 0; ; i++) {
        const got = await scalarOf(tenant, `sum(count_over_time(${name}[1h]))`, lastTsMs)
        if (got === want) break
        if (i > 300) assert.fail(`${tenant} ${name}: ${got} samples stored, ${want} sent`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }
})

after(async () => {
  await vigil?.dispose()
})

test('the generator ran in simulated time and every request was acknowledged', (t) => {
  for (const [tenant, run] of runs) {
    const s = run.summary
    assert.equal(s.requestsFailed, 0, `${tenant}: ${JSON.stringify(s.byOutcome)}`)
    assert.equal(run.acked.length, run.sent.length)
    assert.equal(s.elapsedMs, RUN_S * 1000, 'the run lasted its simulated duration')
    // 6 samples/s for 20 min, a histogram (14 samples) never split: about 7,200 samples per tenant.
    assert.ok(Math.abs(s.ackedRecords - 6 * RUN_S) <= 14, `${tenant}: ${s.ackedRecords} samples`)
    const series = data.get(tenant)!
    assert.equal(series.length, 60, `${tenant}: the 60 series asked for`)
    assert.equal(
      series.reduce((a, x) => a + x.t.length, 0),
      s.ackedRecords,
    )
    for (const x of series) assert.ok(x.t.length >= 100, `${keyOf(x.labels)}: ${x.t.length} samples`)
    t.diagnostic(`${tenant}: ${run.acked.length} requests, ${s.ackedRecords} samples`)
  }
  // The same seed over both protocols: the same values at the same times (OTLP adds `job`).
  const strip = (d: readonly RefSeries[]) =>
    d
      .map((x) => ({ labels: keyOf(withoutLabels(x.labels, ['job'])), t: x.t, v: x.v }))
      .sort((a, b) => (a.labels < b.labels ? -1 : 1))
  assert.deepEqual(strip(data.get(TENANTS.otlp)!), strip(data.get(TENANTS.rw)!))
  assert.ok(lastTsMs > START_MS + RUN_S * 1000 - 5_000 && lastTsMs < START_MS + RUN_S * 1000)
})

test('count_over_time over the whole run counts exactly the samples acknowledged, per series', async () => {
  for (const [tenant, run] of runs) {
    // count_over_time drops the name: a series is its name and the labels Vigil answers with.
    const id = (name: string | undefined, labels: LabelMap) => `${name} ${keyOf(labels)}`
    const sent = new Map(
      data.get(tenant)!.map((x) => [id(x.labels['__name__'], withoutLabels(x.labels, ['__name__'])), x]),
    )
    let total = 0
    for (const name of METRIC_NAMES) {
      const body = await promGet(tenant, '/api/v1/query', {
        query: `count_over_time(${name}[1h])`,
        time: String(lastTsMs / 1000),
      })
      const rows = body.data?.result as { metric: LabelMap; value: [number, string] }[]
      const want = [...sent.values()].filter((x) => x.labels['__name__'] === name)
      assert.equal(rows.length, want.length, `${tenant} ${name}: one row per series sent`)
      for (const r of rows) {
        const x = sent.get(id(name, r.metric))
        assert.ok(x !== undefined, `${tenant} ${name}: ${keyOf(r.metric)} was sent`)
        assert.equal(Number(r.value[1]), x.t.length, `${tenant} ${name} ${keyOf(r.metric)}`)
        total += Number(r.value[1])
      }
    }
    assert.equal(total, run.summary.ackedRecords, `${tenant}: every acknowledged sample is counted once`)
  }
})

/**
 * Evaluation times: just after the last sample; mid-run (in the latency incident); early (windows
 * reach back to the first samples); and two on the edges of a window: exactly at a request's
 * timestamp (its samples are at `t`) and exactly 5 min after one (its samples are at `t − 5m`,
 * inside the closed ranges and the lookback of Prometheus 2.x).
 */
function evalTimes(): number[] {
  const run = runs.get(TENANTS.rw)!
  const edge = run.acked.find((p) => p.tsMs >= START_MS + 7 * MIN)!.tsMs
  return [
    lastTsMs + 1_500,
    START_MS + 12 * MIN + 345,
    START_MS + 4 * MIN + 999,
    START_MS + 5 * MIN + 10_123,
    edge,
    edge + 5 * MIN,
  ]
}

test('instant queries equal the answers computed from the generated data', async (t) => {
  const tally = new Tally()
  const mismatches: string[] = []
  for (const tenant of Object.values(TENANTS)) {
    const d = data.get(tenant)!
    for (const c of instantCases) {
      for (const at of evalTimes()) {
        const want = c.want(d, at)
        assert.ok(want.length > 0, `${c.query} @${at}: the reference answers something`)
        const body = await promGet(tenant, '/api/v1/query', { query: c.query, time: String(at / 1000) })
        compareVector(c, body, want, tally, `${tenant} ${c.query} @${at / 1000}`, mismatches)
      }
    }
  }
  t.diagnostic(
    `values: ${tally.exact} bit-identical, ${tally.tolerated} within ${FLOAT_TOLERANCE} (worst ${tally.worst.toExponential(2)} at ${tally.worstAt})`,
  )
  assert.deepEqual(mismatches, [])
})

test('range queries equal the answers computed from the generated data', async (t) => {
  const tally = new Tally()
  const mismatches: string[] = []
  const windows = [
    { start: START_MS + 5 * MIN + 250, end: lastTsMs + 1_000, stepS: 30 },
    { start: START_MS + 2 * MIN + 1, end: START_MS + 17 * MIN, stepS: 47.5 },
  ]
  for (const tenant of Object.values(TENANTS)) {
    const d = data.get(tenant)!
    for (const c of rangeCases) {
      for (const w of windows) {
        const steps: number[] = []
        for (let at = w.start; at <= w.end; at += w.stepS * 1000) steps.push(at)
        const body = await promGet(tenant, '/api/v1/query_range', {
          query: c.query,
          start: String(w.start / 1000),
          end: String(w.end / 1000),
          step: String(w.stepS),
        })
        compareMatrix(c, body, d, steps, tally, `${tenant} ${c.query} ${JSON.stringify(w)}`, mismatches)
      }
    }
  }
  t.diagnostic(
    `values: ${tally.exact} bit-identical, ${tally.tolerated} within ${FLOAT_TOLERANCE} (worst ${tally.worst.toExponential(2)} at ${tally.worstAt})`,
  )
  assert.deepEqual(mismatches, [])
})

test("the engine's rollups of the generated data landed in the store", async (t) => {
  // Every window the engine closed is written; wait until the watermark passed all but the tail.
  let watermarkMs = -Infinity
  for (let i = 0; ; i++) {
    const status = (await getJson('/api/v1/engine/status')) as {
      tasks: { job: string; watermark: string | null; recordsRead: number }[]
    }
    const marks = status.tasks
      .filter((x) => x.job === 'rollups' && x.watermark !== null)
      .map((x) => Date.parse(x.watermark!))
    watermarkMs = marks.length === 0 ? -Infinity : Math.min(...marks)
    if (watermarkMs >= lastTsMs - MIN) break
    if (i > 200) assert.fail(`the rollups watermark stays at ${watermarkMs}, the data ends at ${lastTsMs}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const store = (await getJson('/api/v1/store/status')) as { sink: Record<string, number> }
  assert.equal(store.sink['failedTransactions'], 0)
  assert.equal(store.sink['recordsDropped'], 0)

  // A clean stop commits the engine and drains the sink; then read the store file itself.
  await vigil.app.shutdown()
  const db = await StoreDatabase.open(vigil.config.store.path ?? join(vigil.config.log.dataDir, STORE_FILE), {
    clock: systemClock,
  })
  const mismatches: string[] = []
  const tally = new Tally()
  try {
    const c = await db.connect()
    try {
      const samples = (
        await c.runAndReadAll('SELECT tenant, count(*) FROM samples GROUP BY tenant')
      ).getRows()
      assert.deepEqual(
        Object.fromEntries(samples.map(([tenant, n]) => [String(tenant), Number(n)])),
        Object.fromEntries([...runs].map(([tenant, run]) => [tenant, run.summary.ackedRecords])),
        'raw samples stored once each',
      )
      for (const windowMs of [10_000, MIN]) {
        const table = resultTableName('rollups', windowMs)
        const rows = (
          await c.runAndReadAll(
            `SELECT tenant, key, window_start_ms, window_end_ms, revision, count, sum, min, max, last, mean FROM ${table}`,
          )
        ).getRows()
        // The highest revision of each window wins; a revision stored twice is a duplicate.
        const latest = new Map<string, unknown[]>()
        const seen = new Set<string>()
        for (const r of rows) {
          const id = `${String(r[0])}|${String(r[1])}|${Number(r[2])}`
          const rev = `${id}|${Number(r[4])}`
          if (seen.has(rev)) mismatches.push(`${table}: ${rev} stored twice`)
          seen.add(rev)
          const prev = latest.get(id)
          if (prev === undefined || Number(prev[4]) < Number(r[4])) latest.set(id, r)
        }
        let expectedClosed = 0
        for (const [tenant, series] of data) {
          for (const s of series) {
            const key = labelsKey(s.flat)
            const windows = new Map<number, number[]>()
            s.t.forEach((ts, i) => {
              const start = Math.floor(ts / windowMs) * windowMs
              const list = windows.get(start) ?? []
              list.push(i)
              windows.set(start, list)
            })
            for (const [start, idx] of windows) {
              const id = `${tenant}|${key}|${start}`
              const row = latest.get(id)
              latest.delete(id)
              const closed = start + windowMs <= watermarkMs + 1
              if (closed) expectedClosed++
              if (row === undefined) {
                if (closed) mismatches.push(`${table}: no row for closed window ${id}`)
                continue
              }
              const vs = idx.map((i) => s.v[i]!)
              const sum = vs.reduce((a, b) => a + b, 0)
              const want: [string, number, boolean][] = [
                ['window_end_ms', start + windowMs, true],
                ['count', vs.length, true],
                ['sum', sum, false],
                ['min', Math.min(...vs), true],
                ['max', Math.max(...vs), true],
                ['last', vs[vs.length - 1]!, true],
                ['mean', sum / vs.length, false],
              ]
              const columns = [3, 5, 6, 7, 8, 9, 10]
              want.forEach(([name, value, exact], k) => {
                const got = Number(row[columns[k]!])
                if (!tally.same(value, got, exact, `${table} ${id} ${name}`)) {
                  mismatches.push(`${table} ${id} ${name}: want ${value}, got ${got}`)
                }
              })
            }
          }
        }
        for (const id of latest.keys()) mismatches.push(`${table}: a row for a window with no sample: ${id}`)
        assert.ok(expectedClosed > 0)
        t.diagnostic(`${table}: ${rows.length} rows, ${expectedClosed} closed windows expected`)
      }
    } finally {
      c.closeSync()
    }
  } finally {
    db.close()
  }
  t.diagnostic(
    `rollup values: ${tally.exact} bit-identical, ${tally.tolerated} within ${FLOAT_TOLERANCE}; whole file ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  )
  assert.deepEqual(mismatches, [])
})
