import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import type { AnomalyObservation } from '../anomaly-observation.js'
import { AnomalyRule } from './anomaly-rule.js'
import type { AnomalyRuleSpec } from './anomaly-rule.js'

const T0 = 1_700_000_000_000
const latency = ['__name__', 'http_latency_p99', 'env', 'prod', 'service', 'checkout']
const otherService = ['__name__', 'http_latency_p99', 'env', 'prod', 'service', 'search']
const devSeries = ['__name__', 'http_latency_p99', 'env', 'dev', 'service', 'checkout']
const settings = { externalLabels: {}, externalURL: '' }

const spec: AnomalyRuleSpec = {
  name: 'LatencyAnomaly',
  selector: 'http_latency_p99{service=~"check.*", env!="dev"}',
  minScore: 0.9,
  forMs: 60_000,
  labels: { severity: 'page' },
  annotations: { summary: '{{ $labels.__name__ }} of {{ $labels.service }} scored {{ $value }}' },
}

function obs(labels: string[], timeMs: number, score: number, tenant = 'acme'): AnomalyObservation {
  return { tenant, labels, timeMs, score, isAnomaly: score >= 0.5 }
}

test('selected series at or above minScore become candidates from their first anomalous point', () => {
  const rule = new AnomalyRule(spec, settings)
  rule.observe([
    obs(latency, T0, 0.5),
    obs(latency, T0 + 10_000, 0.95),
    obs(otherService, T0 + 10_000, 0.99), // not selected: service
    obs(devSeries, T0 + 10_000, 0.99), // not selected: env
    obs(latency, T0 + 20_000, 0.9), // exactly minScore holds
  ])
  const [c, ...rest] = rule.candidates('acme', T0 + 20_000)
  assert.equal(rest.length, 0)
  assert.deepEqual(c, {
    labels: {
      alertname: 'LatencyAnomaly',
      env: 'prod',
      metric: 'http_latency_p99',
      service: 'checkout',
      severity: 'page',
    },
    annotations: { summary: 'http_latency_p99 of checkout scored 0.9' },
    value: 0.9,
    activeSinceMs: T0 + 10_000,
  })
  assert.deepEqual(rule.candidates('other-tenant', T0 + 20_000), [], 'tenants are separate')
})

test('a point below the threshold ends the run; the next run starts again', () => {
  const rule = new AnomalyRule(spec, settings)
  rule.observe([obs(latency, T0, 0.95)])
  assert.equal(rule.candidates('acme', T0).length, 1)
  rule.observe([obs(latency, T0 + 10_000, 0.2)])
  assert.deepEqual(rule.candidates('acme', T0 + 10_000), [])
  rule.observe([obs(latency, T0 + 20_000, 0.97)])
  assert.equal(rule.candidates('acme', T0 + 20_000)[0]!.activeSinceMs, T0 + 20_000)
})

test('a one-point anomaly whose next point arrives in the same batch is a candidate once', () => {
  const rule = new AnomalyRule(spec, settings)
  rule.observe([obs(latency, T0, 0.95), obs(latency, T0 + 10_000, 0.2)])
  const once = rule.candidates('acme', T0 + 10_000)
  assert.equal(once.length, 1)
  assert.equal(once[0]!.activeSinceMs, T0)
  assert.deepEqual(rule.candidates('acme', T0 + 20_000), [])
  assert.equal(rule.trackedSeries, 0)
})

test('a series silent for staleAfterMs stops alerting and is forgotten', () => {
  const rule = new AnomalyRule(spec, { ...settings, staleAfterMs: 60_000 })
  rule.observe([obs(latency, T0, 0.95)])
  assert.equal(rule.candidates('acme', T0 + 60_000).length, 1)
  assert.equal(rule.candidates('acme', T0 + 60_001).length, 0)
  assert.equal(rule.trackedSeries, 0)
})

test('out-of-order points are ignored and counted; the series bound drops and counts', () => {
  const rule = new AnomalyRule({ ...spec, selector: '{env="prod"}' }, { ...settings, maxSeries: 1 })
  rule.observe([obs(latency, T0 + 10_000, 0.95), obs(latency, T0, 0.1), obs(otherService, T0, 0.99)])
  assert.equal(rule.outOfOrder, 1)
  assert.equal(rule.droppedSeries, 1)
  assert.equal(rule.candidates('acme', T0 + 10_000).length, 1, 'the late low point did not end the run')
})

test('without minScore the detector decision is the condition; a series label "metric" is kept', () => {
  const rule = new AnomalyRule({ name: 'Any', selector: '{service="checkout"}', forMs: 0 }, settings)
  const labels = ['__name__', 'queue_depth', 'metric', 'depth', 'service', 'checkout']
  rule.observe([{ tenant: 'acme', labels, timeMs: T0, score: 0.1, isAnomaly: true }])
  assert.deepEqual(rule.candidates('acme', T0)[0]!.labels, {
    alertname: 'Any',
    exported_metric: 'depth',
    metric: 'queue_depth',
    service: 'checkout',
  })
})

test('invalid rules are user errors naming the rule', () => {
  for (const bad of [
    { ...spec, minScore: 1.5 },
    { ...spec, selector: 'rate(x[5m])' },
    { ...spec, selector: '{service=~"("}' },
    { ...spec, forMs: -1 },
  ]) {
    assert.throws(
      () => new AnomalyRule(bad, settings),
      (err: unknown) =>
        errorCode(err) === 'ALERT_RULE_INVALID' && /anomaly rule "LatencyAnomaly"/.test(String(err)),
      bad.selector,
    )
  }
})
