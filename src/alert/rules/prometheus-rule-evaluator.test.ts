import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode, isRetryable } from '../../core/index.js'
import { PipelineError } from '../../core/index.js'
import { evaluatePrometheusRule, generatorURL } from './prometheus-rule-evaluator.js'
import type { InstantQuery, QuerySample } from './prometheus-rule-evaluator.js'
import { parsePrometheusRuleFile } from './prometheus-rule-file.js'

const file = parsePrometheusRuleFile(
  `
groups:
  - name: api
    limit: 2
    query_offset: 1m
    rules:
      - alert: HighErrorRate
        expr: errors_ratio > 0.05
        for: 2m
        labels:
          severity: critical
          team: '{{ $labels.job }}-oncall'
          instance: ''
          host: '{{ $labels.instance }}'
        annotations:
          summary: '{{ $labels.instance }} at {{ $value | humanizePercentage }} in {{ $externalLabels.cluster }}'
`,
  'api.yml',
)
const group = file.groups[0]!
const rule = group.rules[0]!
const settings = { externalLabels: { cluster: 'eu-1' }, externalURL: 'http://vigil:8080' }

function fixedQuery(samples: QuerySample[], seen?: { expr: string; timeMs: number }[]): InstantQuery {
  return async (expr, timeMs) => {
    seen?.push({ expr, timeMs })
    return samples
  }
}

test('candidates carry series labels without __name__, expanded rule labels and alertname', async () => {
  const seen: { expr: string; timeMs: number }[] = []
  const query = fixedQuery(
    [{ labels: { __name__: 'errors_ratio', instance: 'web-1', job: 'api' }, value: 0.1234 }],
    seen,
  )
  const candidates = await evaluatePrometheusRule(rule, group, query, 1_000_000, settings)
  assert.deepEqual(
    seen,
    [{ expr: 'errors_ratio > 0.05', timeMs: 1_000_000 - 60_000 }],
    'query_offset applies',
  )
  assert.deepEqual(candidates, [
    {
      // `instance: ''` removed the series' instance label; `host` took its value.
      labels: {
        alertname: 'HighErrorRate',
        host: 'web-1',
        job: 'api',
        severity: 'critical',
        team: 'api-oncall',
      },
      annotations: { summary: 'web-1 at 12.34% in eu-1' },
      value: 0.1234,
    },
  ])
  assert.deepEqual(Object.keys(candidates[0]!.labels), ['alertname', 'host', 'job', 'severity', 'team'])
})

test('two samples with the same final label set are an error, as in Prometheus', async () => {
  const query = fixedQuery([
    { labels: { instance: 'a', job: 'api' }, value: 1 },
    { labels: { instance: 'b', job: 'api' }, value: 1 }, // `instance` is removed by the rule, `host` differs
    { labels: { instance: 'a', job: 'api', __name__: 'x' }, value: 2 }, // same as the first without __name__
  ])
  await assert.rejects(
    evaluatePrometheusRule(rule, { ...group, limit: 0 }, query, 0, settings),
    (err: unknown) => errorCode(err) === 'ALERT_RULE_EVAL' && /same labelset/.test((err as Error).message),
  )
})

test('more alerts than the group limit is an error naming the rule', async () => {
  const query = fixedQuery(['a', 'b', 'c'].map((i) => ({ labels: { instance: i }, value: 1 })))
  await assert.rejects(
    evaluatePrometheusRule(rule, group, query, 0, settings),
    /alerting rule "HighErrorRate" of group "api": exceeded limit of 2 with 3 alerts/,
  )
})

test('a failed query rejects with the rule named, keeping whether it is retryable', async () => {
  const failing: InstantQuery = async () => {
    throw new PipelineError('timeout: query timed out', {
      code: 'ALERT_QUERY',
      domain: 'external',
      retryable: true,
    })
  }
  await assert.rejects(evaluatePrometheusRule(rule, group, failing, 0, settings), (err: unknown) => {
    assert.equal(errorCode(err), 'ALERT_RULE_EVAL')
    assert.equal(isRetryable(err), true)
    assert.match((err as Error).message, /HighErrorRate.*the query failed: timeout/)
    return true
  })
})

test('generator URLs point at the expression, as Prometheus writes them', () => {
  assert.equal(
    generatorURL('http://vigil:8080/', 'rate(x[5m]) > 0'),
    'http://vigil:8080/graph?g0.expr=rate(x%5B5m%5D)+%3E+0&g0.tab=1',
  )
  assert.equal(generatorURL('', 'up'), '')
})
