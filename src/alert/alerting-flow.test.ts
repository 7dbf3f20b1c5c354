// The alerting components wired as the pipeline will wire them, on a ManualClock: rules →
// AlertTracker → Inhibitor/Grouper (with Silences) → webhook notifications.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../core/testing/manual-clock.js'
import {
  ActiveAlertBudget,
  AlertTracker,
  AnomalyRule,
  DEFAULT_ROUTE_CONFIG,
  Grouper,
  Inhibitor,
  Muter,
  Silences,
  evaluatePrometheusRule,
  parsePrometheusRuleFile,
} from './index.js'
import type { AlertStateChange, InstantQuery, Notification } from './index.js'

const T0 = 1_700_000_000_000
const SEC = 1000
const MIN = 60_000
const settings = { externalLabels: { cluster: 'eu-1' }, externalURL: 'http://vigil:8080' }

const rules = parsePrometheusRuleFile(
  `
groups:
  - name: checkout
    rules:
      - alert: HighLatency
        expr: latency_p99_seconds > 1
        for: 1m
        labels: { severity: page }
        annotations:
          summary: '{{ $labels.instance }} p99 is {{ $value }}s'
`,
  'checkout.yml',
)

/** 100 instances over the threshold while `incident(t)`, under it otherwise. */
function latencyQuery(incident: (t: number) => boolean): InstantQuery {
  return async (_expr, timeMs) =>
    incident(timeMs)
      ? Array.from({ length: 100 }, (_, i) => ({
          labels: { __name__: 'latency_p99_seconds', instance: `web-${i}`, job: 'checkout' },
          value: 2.5,
        }))
      : []
}

interface Pipeline {
  readonly clock: ManualClock
  readonly silences: Silences
  readonly notifications: Notification[]
  readonly changes: AlertStateChange[]
  step(): Promise<void>
}

function pipeline(query: InstantQuery): Pipeline {
  const clock = new ManualClock(T0)
  const group = rules.groups[0]!
  const rule = group.rules[0]!
  const tracker = new AlertTracker({
    tenant: 'acme',
    ruleName: rule.name,
    ruleKind: 'prometheus',
    forMs: rule.forMs,
    keepFiringForMs: rule.keepFiringForMs,
    budget: new ActiveAlertBudget(1000),
  })
  const silences = new Silences()
  const inhibitor = new Inhibitor([])
  const muter = new Muter(silences, inhibitor)
  const grouper = new Grouper(
    { ...DEFAULT_ROUTE_CONFIG, groupBy: ['alertname'], groupWaitMs: 30 * SEC, groupIntervalMs: 5 * MIN },
    { externalURL: settings.externalURL, isMuted: (a, now) => muter.isMuted(a, now) },
  )
  const notifications: Notification[] = []
  const changes: AlertStateChange[] = []
  return {
    clock,
    silences,
    notifications,
    changes,
    async step() {
      const now = clock.nowMs()
      const candidates = await evaluatePrometheusRule(rule, group, query, now, settings)
      changes.push(...tracker.update(candidates, now))
      inhibitor.observe(tracker.alerts(), now)
      grouper.upsert(tracker.alerts(), now)
      notifications.push(...grouper.tick(now))
      clock.advance(15 * SEC)
    },
  }
}

test('an incident on 100 instances gives one grouped alert, then one resolution', async () => {
  const p = pipeline(latencyQuery((t) => t >= T0 + MIN && t < T0 + 10 * MIN))
  while (p.clock.nowMs() <= T0 + 20 * MIN) await p.step()
  assert.equal(p.changes.filter((c) => c.to === 'firing').length, 100, 'each instance fires')
  assert.deepEqual(
    p.notifications.map((n) => [(n.atMs - T0) / MIN, n.payload.status, n.payload.alerts.length]),
    [
      [2.5, 'firing', 100], // condition from 1m, firing at 2m (for: 1m), group_wait 30s
      [12.5, 'resolved', 100], // resolved at 10m, notified at the next group interval
    ],
  )
  const first = p.notifications[0]!.payload
  assert.deepEqual(first.groupLabels, { alertname: 'HighLatency' })
  assert.deepEqual(first.commonLabels, { alertname: 'HighLatency', job: 'checkout', severity: 'page' })
  assert.equal(first.alerts[0]!.annotations['summary'], 'web-0 p99 is 2.5s')
})

test('a silence suppresses the next incident; when it expires the alert goes out', async () => {
  const incidents = (t: number) => (t >= T0 && t < T0 + 5 * MIN) || (t >= T0 + 20 * MIN && t < T0 + 60 * MIN)
  const p = pipeline(latencyQuery(incidents))
  while (p.clock.nowMs() < T0 + 10 * MIN) await p.step()
  assert.deepEqual(
    p.notifications.map((n) => n.payload.status),
    ['firing', 'resolved'],
  )
  p.silences.add(
    'acme',
    {
      matchers: [{ name: 'alertname', type: '=', value: 'HighLatency' }],
      endsAtMs: T0 + 40 * MIN,
      createdBy: 'alice',
      comment: 'deploying the fix',
    },
    p.clock.nowMs(),
  )
  while (p.clock.nowMs() <= T0 + 50 * MIN) await p.step()
  const later = p.notifications.slice(2)
  assert.equal(later.length, 1, 'nothing while silenced, one notification after')
  // Firing again from 21m: its group flushes at 21.5m, 26.5m, … (silenced) and at 41.5m (expired at 40m).
  assert.equal(later[0]!.atMs, T0 + 41.5 * MIN)
  assert.equal(later[0]!.payload.status, 'firing')
})

test('anomaly rules: scored points of three services make one grouped alert, `for` in event time', () => {
  const clock = new ManualClock(T0)
  const rule = new AnomalyRule(
    {
      name: 'LatencyAnomaly',
      selector: 'http_latency_p99{env="prod"}',
      minScore: 0.8,
      forMs: 10 * SEC,
      labels: { severity: 'warning' },
    },
    settings,
  )
  const tracker = new AlertTracker({
    tenant: 'acme',
    ruleName: rule.name,
    ruleKind: 'anomaly',
    forMs: rule.forMs,
    keepFiringForMs: rule.keepFiringForMs,
    budget: new ActiveAlertBudget(1000),
  })
  const grouper = new Grouper({ ...DEFAULT_ROUTE_CONFIG, groupBy: ['alertname'], groupWaitMs: 0 })
  const series = ['checkout', 'cart', 'search'].map((service) => [
    '__name__',
    'http_latency_p99',
    'env',
    'prod',
    'service',
    service,
  ])
  const sent: Notification[] = []
  for (let s = 0; s <= 30; s++) {
    const eventMs = T0 + s * SEC
    rule.observe(
      series.map((labels) => ({
        tenant: 'acme',
        labels,
        timeMs: eventMs,
        score: s >= 5 ? 0.95 : 0.1,
        isAnomaly: s >= 5,
      })),
    )
    tracker.update(rule.candidates('acme', eventMs), eventMs)
    clock.set(eventMs + 200) // processing 200 ms behind event time
    grouper.upsert(tracker.alerts(), clock.nowMs())
    sent.push(...grouper.tick(clock.nowMs()))
  }
  assert.equal(sent.length, 1)
  const [n] = sent
  assert.equal(n!.payload.alerts.length, 3)
  // Anomalous from 5 s, `for` 10 s in event time: firing at 15 s, notified at once (group_wait 0).
  assert.equal(n!.atMs, T0 + 15 * SEC + 200)
  assert.deepEqual(n!.payload.commonLabels, {
    alertname: 'LatencyAnomaly',
    env: 'prod',
    metric: 'http_latency_p99',
    severity: 'warning',
  })
})
