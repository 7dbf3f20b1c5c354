import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { STALE_NAN } from '../../ingest/otlp/index.js'
import { decodeRemoteWrite } from '../../ingest/prometheus/index.js'
import { ReferencePrometheus } from './reference-prometheus.js'
import { encodeRemoteWrite } from './remote-write.js'

const STEP_MS = 15_000
/** The last sample time, aligned to the 15 s grid; all data lies in the 10 minutes before it. */
const END = Math.floor(Date.now() / STEP_MS) * STEP_MS
const sec = (ms: number): string => String(ms / 1000)

let prom: ReferencePrometheus

before(async () => {
  prom = await ReferencePrometheus.start()
  // c: a counter +1 every 15 s, 0 at END-10m … 40 at END. g: 1 every 15 s until END-5m15s, then a
  // staleness marker at END-5m.
  const c = Array.from({ length: 41 }, (_, k) => ({ t: END - 600_000 + k * STEP_MS, v: k }))
  const g = Array.from({ length: 20 }, (_, k) => ({ t: END - 600_000 + k * STEP_MS, v: 1 }))
  g.push({ t: END - 300_000, v: STALE_NAN })
  await prom.remoteWrite(
    encodeRemoteWrite([
      { labels: { __name__: 'c', job: 'test' }, samples: c },
      { labels: { __name__: 'g', job: 'test' }, samples: g },
    ]),
  )
})

after(async () => {
  await prom?.stop()
})

async function instant(
  query: string,
  timeMs: number,
): Promise<{ metric: object; value: [number, string] }[]> {
  const res = await prom.get('/api/v1/query', { query, time: sec(timeMs) })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.status, 'success')
  assert.equal(res.body.data.resultType, 'vector')
  return res.body.data.result
}

test('encodeRemoteWrite keeps the exact float64 bits (StaleNaN, NaN, ±Inf, -0) and timestamps', () => {
  // Not a number[]: V8 sets the quiet bit of a NaN stored in a double array, which turns STALE_NAN
  // (0x7ff0000000000002) into 0x7ff8000000000002, an ordinary NaN for Prometheus.
  const values = Float64Array.of(1.5, NaN, Infinity, -Infinity, STALE_NAN, -0)
  const samples = Array.from(values, (v, i) => ({ t: 1_700_000_000_000 + i * 1000, v }))
  const res = decodeRemoteWrite(
    encodeRemoteWrite([{ labels: { __name__: 'x', b: '2', a: '1' }, samples }]),
    't',
  )
  if (!res.ok) assert.fail(res.reason)
  const bits = (a: Float64Array): bigint[] => [...new BigUint64Array(a.buffer, a.byteOffset, a.length)]
  assert.deepEqual(bits(res.batch.value), bits(values))
  assert.deepEqual(
    [...res.batch.ts],
    samples.map((s) => s.t),
  )
  assert.equal(bits(res.batch.value)[4], 0x7ff0000000000002n)
})

test('rate() matches extrapolatedRate of Prometheus 2.42 computed by hand', async () => {
  // promql/functions.go extrapolatedRate: increase = last - first over the samples in the window
  // [t-5m, t] (both ends inclusive in 2.x); it is extrapolated to the window edges when the gap to
  // an edge is < 1.1 × the average sample spacing (15 s here), else by half a spacing. The float
  // operations are in Prometheus' order, factor = extrapolated / sampled / 300 s, then increase ×
  // factor: (a × b) / c would differ in the last bit.
  const cases = [
    // samples END-5m … END: 20..40, increase 20 over exactly 300 s, no extrapolation.
    { at: END, want: 20 * (300 / 300 / 300) },
    // window (END-305s, END-5s]: samples END-300s … END-15s (20..39), increase 19 over 285 s; gaps
    // 5 s and 10 s to the edges < 16.5 s, so extrapolated over 285+5+10 = 300 s.
    { at: END - 5_000, want: 19 * (300 / 285 / 300) },
    // window [END-280s, END+20s]: samples END-270s … END (22..40), increase 18 over 270 s; the start
    // gap 10 s is added, the end gap 20 s ≥ 16.5 s adds only 7.5 s: 287.5 s.
    { at: END + 20_000, want: 18 * (287.5 / 270 / 300) },
  ]
  for (const { at, want } of cases) {
    const result = await instant('rate(c[5m])', at)
    assert.equal(result.length, 1)
    assert.deepEqual(result[0]!.metric, { job: 'test' })
    assert.equal(result[0]!.value[0], at / 1000)
    assert.equal(Number(result[0]!.value[1]), want, `rate(c[5m]) at END${(at - END) / 1000}s`)
  }
  // Both ends of a range are inclusive in 2.x: END-5m … END is 21 samples.
  const counted = await instant('count_over_time(c[5m])', END)
  assert.equal(counted[0]!.value[1], '21')
})

test('a staleness marker ends the series at once instead of after the 5m lookback', async () => {
  assert.deepEqual(await instant('g', END - 301_000), [
    { metric: { __name__: 'g', job: 'test' }, value: [(END - 301_000) / 1000, '1'] },
  ])
  assert.deepEqual(await instant('g', END - 300_000), [])
  assert.deepEqual(await instant('g', END - 200_000), [])
})

test('/api/v1/series lists the written series', async () => {
  const res = await prom.get('/api/v1/series', { 'match[]': ['c'] })
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, { status: 'success', data: [{ __name__: 'c', job: 'test' }] })
})

test('answers in the Prometheus 2.42 JSON shapes', async () => {
  const str = await prom.get('/api/v1/query', { query: '"hi"', time: sec(END) })
  assert.deepEqual(str.body, {
    status: 'success',
    data: { resultType: 'string', result: [END / 1000, 'hi'] },
  })
  const bad = await prom.get('/api/v1/query', { query: 'sum(', time: sec(END) })
  assert.equal(bad.status, 400)
  assert.deepEqual(bad.body, {
    status: 'error',
    errorType: 'bad_data',
    error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
  })
  const special = await instant('vector(0/0) or label_replace(vector(-1/0), "s", "x", "", "")', END)
  assert.deepEqual(
    special.map((s) => s.value[1]),
    ['NaN', '-Inf'],
  )
})
