import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parsePromQL } from '../parse.js'
import { Evaluator } from './evaluate.js'
import type { EvalLimits } from './evaluate.js'
import type { SelectedSeries, SeriesSource } from './value.js'

/** An in-memory source: counters every 15 s over 3 h, one with a reset, one with a gap and a marker. */
function source(): SeriesSource & { reads: number } {
  const series: SelectedSeries[] = []
  for (const [job, reset] of [
    ['a', -1],
    ['b', 400],
  ] as const) {
    const ts: number[] = []
    const values: number[] = []
    const stale: number[] = []
    let c = 0
    for (let i = 0; i < 720; i++) {
      if (job === 'b' && i > 100 && i < 140) continue
      c = i === reset ? 0 : c + (i % 7)
      ts.push(i * 15_000)
      values.push(c)
      stale.push(job === 'b' && i === 300 ? 1 : 0)
    }
    series.push({
      labels: ['__name__', 'c', 'job', job],
      ts: Float64Array.from(ts),
      values: Float64Array.from(values),
      stale: Uint8Array.from(stale),
    })
  }
  const src = {
    reads: 0,
    async select(_m: unknown, minMs: number, maxMs: number) {
      src.reads++
      return series.map((s) => {
        const keep = [...s.ts].map((t, i) => (t >= minMs && t <= maxMs ? i : -1)).filter((i) => i >= 0)
        return {
          labels: s.labels,
          ts: Float64Array.from(keep.map((i) => s.ts[i]!)),
          values: Float64Array.from(keep.map((i) => s.values[i]!)),
          stale: Uint8Array.from(keep.map((i) => s.stale![i]!)),
        }
      })
    },
  }
  return src
}

const limits = (rangePartMs?: number): EvalLimits => ({
  maxSamples: 1e9,
  maxSeries: 1e6,
  maxResultPoints: 1e9,
  checkDeadline: () => undefined,
  ...(rangePartMs === undefined ? {} : { rangePartMs }),
})

test('a range query evaluated in parts gives the answer of one evaluation over the whole range', async () => {
  for (const q of ['sum by (job) (rate(c[5m]))', 'c', '-c', 'max_over_time(c[20m])', 'c > bool 1000']) {
    const { expr } = parsePromQL(q)
    const whole = await new Evaluator(source(), limits(1e12)).range(expr, 0, 3 * 3_600_000, 60_000)
    for (const part of [60_000, 17 * 60_000, 3_600_000]) {
      const src = source()
      const parts = await new Evaluator(src, limits(part)).range(expr, 0, 3 * 3_600_000, 60_000)
      assert.deepEqual(parts, whole, `${q} in parts of ${part} ms`)
      assert.ok(src.reads >= Math.floor((3 * 3_600_000) / part), 'each part reads its own samples')
    }
  }
})

test('the sample limit counts the samples of one part, and says what to do', async () => {
  const { expr } = parsePromQL('rate(c[5m])')
  const tight: EvalLimits = { ...limits(3_600_000), maxSamples: 400 }
  await assert.rejects(
    new Evaluator(source(), tight).range(expr, 0, 3 * 3_600_000, 60_000),
    /more than 400 samples; narrow the time range or the selectors/,
  )
  const ok = await new Evaluator(source(), { ...tight, maxSamples: 1000 }).range(
    expr,
    0,
    3 * 3_600_000,
    60_000,
  )
  assert.equal(ok.resultType, 'matrix')
})
