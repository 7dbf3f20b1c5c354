import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DuckDBConnection } from '@duckdb/node-api'
import { QueryParamError } from '../sql/query-error.js'
import { T0, withStore } from '../sql/testing/telemetry-fixture.js'
import { parseAnomalyQuery, queryAnomalies } from './anomaly-query.js'
import type { AnomalyPage } from './anomaly-query.js'
import {
  SERIES_CPU_A,
  SERIES_CPU_B,
  SERIES_MEM_A,
  anomalyRow,
  writeAnomalies,
} from './testing/anomaly-fixture.js'

const RANGE = `start=${T0 / 1000}&end=${(T0 + 60_000) / 1000}`
const OPTS = { timeoutMs: 10_000 }

/** acme's anomalies, each with a distinct value (the tests name rows by it), and another tenant's. */
async function seed(fn: (c: DuckDBConnection) => Promise<void>): Promise<void> {
  await withStore(async (db, c) => {
    await writeAnomalies(
      db,
      [
        anomalyRow(T0 + 10_000, { value: 1 }),
        anomalyRow(T0 + 20_000, { value: 2, key: SERIES_CPU_B, score: 0.4, alert: false }),
        anomalyRow(T0 + 30_000, { value: 3, key: SERIES_MEM_A, changePoint: true }),
        anomalyRow(T0 + 30_000, {
          value: 4,
          source: 'red',
          key: 'checkout\u0000POST /pay',
          feature: 'error_ratio',
          windowMs: 60_000,
          score: 0.99,
        }),
      ],
      { offset: 0 },
    )
    await writeAnomalies(
      db,
      [
        anomalyRow(T0 + 40_000, {
          value: 5,
          source: 'log-counts',
          key: 'billing\u0000ERROR',
          feature: 'count',
        }),
        anomalyRow(T0 + 50_000, { value: 6, score: NaN, levelZ: Infinity, seasonalZ: -Infinity }),
        anomalyRow(T0 + 70_000, { value: 7 }), // after the range
      ],
      { partition: 1, offset: 3 },
    )
    // Another tenant: the same keys and times, values of its own.
    await writeAnomalies(
      db,
      [1, 2, 3, 4, 5, 6].map((i) => anomalyRow(T0 + i * 10_000, { tenant: 'other', value: 100 + i })),
      { offset: 9 },
    )
    await fn(c)
  })
}

async function run(c: DuckDBConnection, qs: string, tenant = 'acme'): Promise<AnomalyPage> {
  const params = new URLSearchParams(qs)
  for (const [k, v] of new URLSearchParams(RANGE)) if (!params.has(k)) params.set(k, v)
  return queryAnomalies(c, tenant, parseAnomalyQuery(params, T0 + 60_000), OPTS)
}

/** The values (row names) of a query's page. */
async function values(c: DuckDBConnection, qs: string, tenant = 'acme'): Promise<unknown[]> {
  return (await run(c, qs, tenant)).anomalies.map((a) => a.value)
}

test('an anomaly carries every field, JSON-ready; NaN and infinities as Prometheus spells them', async () => {
  await seed(async (c) => {
    const page = await run(c, '')
    assert.equal(page.nextCursor, null)
    assert.deepEqual(page.anomalies[5], {
      source: 'rollups',
      key: SERIES_CPU_A,
      labels: { __name__: 'cpu', host: 'a' },
      feature: 'mean',
      windowMs: 10_000,
      time: '2023-11-14T22:13:30.000000000Z',
      timeMs: T0 + 10_000,
      value: 1,
      score: 0.9,
      alert: true,
      evidence: { novelty: 5.5, levelZ: 4.25, seasonalZ: 1.5, changePoint: false },
      detectedAt: '2023-11-14T22:13:31.500000000Z',
      detectedAtMs: T0 + 11_500,
    })
    const byValue = new Map(page.anomalies.map((a) => [a.value, a]))
    assert.deepEqual(byValue.get(4)!.labels, { service: 'checkout', operation: 'POST /pay' })
    assert.deepEqual(byValue.get(5)!.labels, { service: 'billing', severity: 'ERROR' })
    const odd = byValue.get(6)!
    assert.equal(odd.score, 'NaN')
    assert.deepEqual(odd.evidence, { novelty: 5.5, levelZ: '+Inf', seasonalZ: '-Inf', changePoint: false })
    assert.ok(JSON.stringify(page).length > 0)
  })
})

test('newest first over [start, end], both ends inclusive; the tenant is always the caller’s', async () => {
  await seed(async (c) => {
    assert.deepEqual(await values(c, ''), [6, 5, 4, 3, 2, 1])
    assert.deepEqual(await values(c, '', 'other'), [106, 105, 104, 103, 102, 101])
    assert.deepEqual(await values(c, `start=${(T0 + 20_000) / 1000}&end=${(T0 + 30_000) / 1000}`), [4, 3, 2])
    assert.deepEqual(await values(c, '', 'nobody'), [])
    // Without start/end: the hour up to now (T0 + 60 s), so the row at T0 + 70 s is out.
    const defaults = await queryAnomalies(
      c,
      'acme',
      parseAnomalyQuery(new URLSearchParams(), T0 + 60_000),
      OPTS,
    )
    assert.deepEqual(
      defaults.anomalies.map((a) => a.value),
      [6, 5, 4, 3, 2, 1],
    )
  })
})

test('min_score, alert, source, feature and key filter; lists are ORed', async () => {
  await seed(async (c) => {
    assert.deepEqual(await values(c, 'min_score=0.95'), [4])
    assert.deepEqual(await values(c, 'min_score=0.5'), [5, 4, 3, 1], 'a NaN score never passes a minimum')
    assert.deepEqual(await values(c, 'min_score=0'), [5, 4, 3, 2, 1])
    assert.deepEqual(await values(c, 'alert=false'), [2])
    assert.deepEqual(await values(c, 'alert=true&min_score=1e-1'), [5, 4, 3, 1])
    assert.deepEqual(await values(c, 'source=red&source=log-counts'), [5, 4])
    assert.deepEqual(await values(c, 'feature=mean'), [6, 3, 2, 1])
    assert.deepEqual(await values(c, `key=${encodeURIComponent(SERIES_CPU_B)}`), [2])
    assert.deepEqual(await values(c, 'key=__name__'), [])
  })
})

test('match: PromQL selectors on the labels decoded from the key, ORed; regexes anchored (RE2)', async () => {
  await seed(async (c) => {
    const m = (...selectors: string[]): string =>
      selectors.map((s) => `match=${encodeURIComponent(s)}`).join('&')
    assert.deepEqual(await values(c, m('cpu')), [6, 2, 1])
    assert.deepEqual(await values(c, m('{__name__="cpu",host="b"}')), [2])
    assert.deepEqual(await values(c, m('cpu{host!="b"}')), [6, 1])
    assert.deepEqual(await values(c, m('{host=~"a"}')), [6, 3, 1])
    assert.deepEqual(await values(c, m('{host=~"b|c"}')), [2])
    assert.deepEqual(await values(c, m('{__name__=~"c.*",host!~"a"}')), [2])
    assert.deepEqual(await values(c, m('{host=~"^a"}')), [6, 3, 1])
    assert.deepEqual(await values(c, m('{__name__=~"p"}')), [], 'anchored: "p" does not match "cpu"')
    assert.deepEqual(await values(c, m('mem', '{host="b"}')), [3, 2])
    assert.deepEqual(await values(c, m('{service="checkout"}')), [4])
    assert.deepEqual(await values(c, m('{service=~".+",severity="ERROR"}')), [5])
    // With other filters: the match narrows what they select.
    assert.deepEqual(await values(c, `${m('cpu')}&alert=false`), [2])
    assert.deepEqual(await values(c, `${m('{host="a"}')}&feature=mean&min_score=0.5`), [3, 1])
    assert.deepEqual(await values(c, m('cpu'), 'other'), [106, 105, 104, 103, 102, 101])
  })
})

test('pages never skip or repeat a row, among rows with the same time too', async () => {
  await withStore(async (db, c) => {
    // 25 rows: five times, five rows each, across two partitions.
    for (let o = 0; o < 5; o++) {
      await writeAnomalies(
        db,
        Array.from({ length: 5 }, (_, i) => anomalyRow(T0 + (i % 3) * 1000, { value: o * 10 + i })),
        { partition: o % 2, offset: o },
      )
    }
    const all = (await run(c, 'limit=100')).anomalies
    assert.equal(all.length, 25)
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.timeMs >= all[i]!.timeMs)
    const paged: unknown[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: AnomalyPage = await run(c, `limit=4${cursor === null ? '' : `&cursor=${cursor}`}`)
      paged.push(...page.anomalies.map((a) => a.value))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null)
    assert.equal(pages, 7)
    assert.deepEqual(
      paged,
      all.map((a) => a.value),
    )
  })
})

test('bad parameters are QueryParamErrors naming the parameter', () => {
  const cases: [string, RegExp][] = [
    ['min_score=1.5', /^min_score: "1.5" is not a score: give a number from 0 to 1/],
    ['min_score=-0.1', /^min_score: /],
    ['min_score=NaN', /^min_score: /],
    ['min_score=', /^min_score: is empty/],
    ['alert=yes', /^alert: "yes" is neither true nor false$/],
    ['alert=true&alert=false', /^alert: given 2 times/],
    ['match=cpu{', /^match: "cpu\{": 1:5: parse error/],
    ['match=cpu[5m]', /^match: "cpu\[5m\]" is not a series selector/],
    ['match=cpu%20offset%205m', /^match: "cpu offset 5m" is not a series selector/],
    ['match=rate(cpu[5m])', /^match: "rate\(cpu\[5m\]\)" is not a series selector/],
    ['match=%7Bhost%3D%22%22%7D', /^match: .*at least one non-empty matcher/],
    ['source=', /^source: has an empty value/],
    ['limit=10001', /^limit: 10001 is above the maximum of 10000$/],
    ['limit=0', /^limit: must be at least 1$/],
    ['cursor=abc', /^cursor: is not a cursor returned by this API/],
    ['start=soon', /^start: "soon" is not a time/],
    ['start=2000000000&end=1000000000', /^start: 2000000000 is after end/],
  ]
  for (const [qs, message] of cases) {
    assert.throws(
      () => parseAnomalyQuery(new URLSearchParams(qs), T0),
      (err: unknown) => err instanceof QueryParamError && message.test(err.message),
      qs,
    )
  }
  const q = parseAnomalyQuery(new URLSearchParams('start=1700000000.0005&end=1700000000.0015'), T0)
  assert.deepEqual([q.startMs, q.endMs, q.limit, q.match], [1_700_000_000_001n, 1_700_000_000_001n, 100, []])
})
