import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode, isRetryable } from '../../core/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { DEFAULT_PROM_QUERY_LIMITS, PromQueryService } from '../../query/promql/api/prom-query-service.js'
import type { SelectedSeries } from '../../query/promql/eval/value.js'
import { promQLSource } from './promql-source.js'

const T0 = 1_700_000_000_000

/** Series of two tenants; a sample every 15 s for 10 minutes before T0. */
function series(labels: string[], value: (i: number) => number): SelectedSeries {
  const ts = Float64Array.from({ length: 41 }, (_, i) => T0 - 600_000 + i * 15_000)
  return { labels, ts, values: Float64Array.from(ts, (_, i) => value(i)), stale: undefined }
}

const data: Record<string, SelectedSeries[]> = {
  acme: [
    series(['__name__', 'errors_ratio', 'instance', 'web-1', 'job', 'api'], () => 0.2),
    series(['__name__', 'errors_ratio', 'instance', 'web-2', 'job', 'api'], () => 0.01),
  ],
  other: [series(['__name__', 'errors_ratio', 'instance', 'x', 'job', 'api'], () => 0.9)],
}

const service = new PromQueryService({
  clock: new ManualClock(T0),
  catalog: { select: () => [], all: () => [] },
  limits: DEFAULT_PROM_QUERY_LIMITS,
  openSession: async (tenant) => ({
    source: {
      select: async (matchers) =>
        (data[tenant] ?? []).filter((s) =>
          matchers.every((m) => {
            const i = s.labels.indexOf(m.name)
            const v = i >= 0 && i % 2 === 0 ? s.labels[i + 1]! : ''
            const hit = m.regex !== undefined ? m.regex.test(v) : v === m.value
            return m.type === '=' || m.type === '=~' ? hit : !hit
          }),
        ),
    },
    interrupt: () => undefined,
    close: () => undefined,
  }),
})

test('an instant query on the real PromQL service, scoped to the tenant', async () => {
  const query = promQLSource(service, 'acme')
  assert.deepEqual(await query('errors_ratio > 0.05', T0), [
    { labels: { __name__: 'errors_ratio', instance: 'web-1', job: 'api' }, value: 0.2 },
  ])
  assert.deepEqual(await promQLSource(service, 'nobody')('errors_ratio > 0.05', T0), [])
  // A scalar is one sample without labels; special values come back as numbers.
  assert.deepEqual(await query('scalar(errors_ratio{instance="web-1"}) * 2', T0), [
    { labels: {}, value: 0.4 },
  ])
  assert.deepEqual(await query('vector(-1 / 0)', T0), [{ labels: {}, value: -Infinity }])
})

test('the evaluation time is exact to the millisecond', async () => {
  const query = promQLSource(service, 'acme')
  // The last sample is at T0; 1 ms before it the previous one (T0 - 15 s) is the latest.
  assert.deepEqual(await query('timestamp(errors_ratio{instance="web-1"})', T0 - 1), [
    { labels: { instance: 'web-1', job: 'api' }, value: (T0 - 15_000) / 1000 },
  ])
})

test('error answers reject with Prometheus message; a string result is refused', async () => {
  const query = promQLSource(service, 'acme')
  await assert.rejects(query('sum(', T0), (err: unknown) => {
    assert.equal(errorCode(err), 'ALERT_QUERY')
    assert.equal(isRetryable(err), false)
    assert.match((err as Error).message, /^bad_data: .*parse error/)
    return true
  })
  await assert.rejects(query('"text"', T0), /not a vector or scalar but a string/)
})
