import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { load } from 'js-yaml'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { newEmbeddedLogStats } from '../../log/embedded/index.js'
import { parseDurationMs, parsePromQL } from '../../query/promql/parse.js'
import { registerEngineMetrics } from '../engine-metrics.js'
import { registerIngestMetrics } from '../ingest-metrics.js'
import { registerLogMetrics } from '../log-metrics.js'
import { registerStoreMetrics } from '../store-metrics.js'
import { registerSelfMonitoringMetrics } from './self-monitoring-metrics.js'
import { SELF_ALERT_RULES_YAML } from './self-alert-rules.js'
import { SELF_ANOMALY_RULES, selectorOf } from './self-anomaly-rules.js'

/**
 * Every series self-monitoring can write, by name, with the labels it can carry: the registry the
 * all-in-one process builds (same registration functions; no collect runs, so no sources needed).
 */
function selfSeriesLabels(): Map<string, Set<string>> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const unused = (): never => {
    throw new Error('not collected in this test')
  }
  registerLogMetrics(registry, { stats: newEmbeddedLogStats(), listTopics: unused })
  registerIngestMetrics(registry, unused)
  registerEngineMetrics(registry, unused)
  registerStoreMetrics(registry, unused)
  registerSelfMonitoringMetrics(registry, unused)
  const out = new Map<string, Set<string>>()
  for (const metric of registry.getMetricsAsArray()) {
    const own = ((metric as unknown as { labelNames?: readonly string[] }).labelNames ?? []).map((l) =>
      l === 'job' || l === 'instance' ? `exported_${l}` : l,
    )
    const labels = new Set(['__name__', 'job', 'instance', ...own])
    const type = String(metric.type)
    if (type === 'histogram') {
      out.set(`${metric.name}_bucket`, new Set([...labels, 'le']))
      out.set(`${metric.name}_sum`, labels)
      out.set(`${metric.name}_count`, labels)
    } else if (type === 'summary') {
      out.set(metric.name, new Set([...labels, 'quantile']))
      out.set(`${metric.name}_sum`, labels)
      out.set(`${metric.name}_count`, labels)
    } else {
      out.set(metric.name, labels)
    }
  }
  return out
}

/** The selectors' matchers and the aggregations' grouping labels anywhere in a parsed expression. */
function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit)
  } else if (typeof node === 'object' && node !== null && !(node instanceof RegExp)) {
    visit(node as Record<string, unknown>)
    for (const v of Object.values(node)) walk(v, visit)
  }
}

interface Matcher {
  readonly name: string
  readonly type: string
  readonly value: string
}

/** Checks that a selector's metric exists and every label it or a grouping names can exist. */
function checkNames(rule: string, expr: unknown, known: Map<string, Set<string>>): void {
  const allowed = new Set<string>()
  const groupings: string[] = []
  walk(expr, (n) => {
    if (n.kind === 'aggregate') groupings.push(...(n.grouping as string[]))
    if (n.kind !== 'vector') return
    const matchers = n.matchers as Matcher[]
    const name = matchers.find((m) => m.name === '__name__' && m.type === '=')?.value
    assert.ok(name !== undefined, `${rule}: every selector names its metric`)
    const labels = known.get(name)
    assert.ok(labels !== undefined, `${rule}: ${name} is not a metric Vigil registers`)
    for (const m of matchers) assert.ok(labels.has(m.name), `${rule}: ${name} has no label ${m.name}`)
    assert.ok(
      matchers.some((m) => m.name === 'job' && m.type === '=' && m.value === 'vigil'),
      `${rule}: ${name} selects job="vigil"`,
    )
    for (const l of labels) allowed.add(l)
  })
  for (const g of groupings) assert.ok(allowed.has(g), `${rule}: no selected series has label ${g}`)
}

interface RuleYaml {
  alert?: unknown
  expr?: unknown
  for?: unknown
  labels?: Record<string, unknown>
  annotations?: Record<string, unknown>
}

describe('built-in self rules', () => {
  test('the alerting rules are a Prometheus rule file whose every expr parses and uses real metrics', () => {
    const doc = load(SELF_ALERT_RULES_YAML) as { groups: { name: string; rules: RuleYaml[] }[] }
    assert.deepEqual(Object.keys(doc), ['groups'])
    const known = selfSeriesLabels()
    const names = new Set<string>()
    let rules = 0
    for (const group of doc.groups) {
      assert.deepEqual(Object.keys(group).sort(), ['name', 'rules'])
      for (const rule of group.rules) {
        rules++
        const keys = Object.keys(rule).filter(
          (k) => !['alert', 'expr', 'for', 'labels', 'annotations'].includes(k),
        )
        assert.deepEqual(keys, [], `${String(rule.alert)}: only rulefmt keys`)
        assert.equal(typeof rule.alert, 'string')
        const alert = rule.alert as string
        assert.ok(!names.has(alert), `${alert} is unique`)
        names.add(alert)
        assert.equal(typeof rule.expr, 'string')
        const parsed = parsePromQL(rule.expr as string)
        assert.equal(parsed.type, 'vector', `${alert}: an alerting expr is an instant vector`)
        checkNames(alert, parsed.expr, known)
        if (rule.for !== undefined) assert.ok(parseDurationMs(String(rule.for))! > 0, `${alert}: for`)
        assert.ok(
          ['critical', 'warning', 'info'].includes(String(rule.labels?.severity)),
          `${alert}: severity`,
        )
        assert.equal(typeof rule.annotations?.summary, 'string', `${alert}: summary`)
      }
    }
    assert.ok(rules >= 10, `${rules} rules`)
    for (const name of [
      'VigilIngestBackpressure',
      'VigilIngestDeadLetters',
      'VigilStoreTransactionsFailing',
      'VigilEngineWorkerRestarts',
      'VigilCheckpointSlow',
      'VigilEngineFallingBehind',
      'VigilConsumerLagGrowing',
    ])
      assert.ok(names.has(name), name)
  })

  test('the anomaly rules select real self series, score ≥ 0.95 for 1 minute', () => {
    const known = selfSeriesLabels()
    const names = new Set<string>()
    for (const rule of SELF_ANOMALY_RULES) {
      assert.ok(!names.has(rule.name))
      names.add(rule.name)
      assert.equal(rule.minScore, 0.95)
      assert.equal(rule.forMs, 60_000)
      const parsed = parsePromQL(selectorOf(rule.matchers))
      assert.equal(parsed.type, 'vector')
      checkNames(rule.name, parsed.expr, known)
      assert.equal(typeof rule.annotations.summary, 'string')
    }
    assert.equal(
      selectorOf([
        { name: '__name__', type: '=', value: 'up' },
        { name: 'path', type: '=~', value: '/a"b\\.c' },
      ]),
      '{__name__="up",path=~"/a\\"b\\\\.c"}',
    )
  })
})
