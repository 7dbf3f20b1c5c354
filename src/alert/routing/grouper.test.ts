import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { makeAlert, resolved } from '../testing/make-alert.js'
import { Grouper } from './grouper.js'
import { DEFAULT_ROUTE_CONFIG } from './route-config.js'
import type { RouteConfig } from './route-config.js'

const T0 = 1_700_000_000_000
const SEC = 1000
const MIN = 60_000

const route: RouteConfig = {
  ...DEFAULT_ROUTE_CONFIG,
  receiver: 'oncall',
  groupBy: ['alertname', 'cluster'],
  groupWaitMs: 30 * SEC,
  groupIntervalMs: 5 * MIN,
  repeatIntervalMs: 4 * 60 * MIN,
}

function storm(n: number, firedAtMs = T0) {
  return Array.from({ length: n }, (_, i) =>
    makeAlert(
      {
        alertname: 'HighLatency',
        cluster: 'eu-1',
        instance: `web-${String(i).padStart(3, '0')}`,
        job: 'api',
      },
      { firedAtMs, annotations: { summary: 'p99 above 1s' } },
    ),
  )
}

test('a storm of 100 alerts sharing the group labels gives one notification after group_wait', () => {
  const clock = new ManualClock(T0)
  const grouper = new Grouper(route, { externalURL: 'http://vigil:8080' })
  grouper.upsert(storm(100), clock.nowMs())
  assert.equal(grouper.nextFlushMs(), T0 + 30 * SEC)
  clock.advance(30 * SEC - 1)
  assert.deepEqual(grouper.tick(clock.nowMs()), [], 'nothing before group_wait')
  clock.advance(1)
  const sent = grouper.tick(clock.nowMs())
  assert.equal(sent.length, 1)
  const [n] = sent
  assert.equal(n!.payload.alerts.length, 100)
  assert.equal(n!.payload.status, 'firing')
  assert.equal(n!.payload.groupKey, '{}/{tenant="acme"}:{alertname="HighLatency", cluster="eu-1"}')
  assert.deepEqual(n!.payload.groupLabels, { alertname: 'HighLatency', cluster: 'eu-1' })
  assert.deepEqual(n!.payload.commonLabels, { alertname: 'HighLatency', cluster: 'eu-1', job: 'api' })
  assert.deepEqual(n!.payload.commonAnnotations, { summary: 'p99 above 1s' })
  assert.equal(n!.payload.alerts[0]!.labels['instance'], 'web-000', 'ordered by job, instance')
  assert.equal(n!.tenant, 'acme')
  // Re-handing in the same alerts changes nothing: no notification at the next interval.
  grouper.upsert(storm(100), clock.nowMs())
  clock.advance(5 * MIN)
  assert.deepEqual(grouper.tick(clock.nowMs()), [])
})

test('the payload is Alertmanager webhook v4, field for field', () => {
  const grouper = new Grouper(route, { externalURL: 'http://vigil:8080' })
  const a = makeAlert(
    { alertname: 'Down', cluster: 'eu-1', job: 'api' },
    {
      firedAtMs: T0 + 120,
      annotations: { summary: 's' },
      generatorURL: 'http://vigil:8080/graph?g0.expr=up',
    },
  )
  grouper.upsert([a], T0 + 120)
  const [n] = grouper.tick(T0 + 120 + 30 * SEC)
  assert.deepEqual(n!.payload, {
    version: '4',
    groupKey: '{}/{tenant="acme"}:{alertname="Down", cluster="eu-1"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'oncall',
    groupLabels: { alertname: 'Down', cluster: 'eu-1' },
    commonLabels: { alertname: 'Down', cluster: 'eu-1', job: 'api' },
    commonAnnotations: { summary: 's' },
    externalURL: 'http://vigil:8080',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'Down', cluster: 'eu-1', job: 'api' },
        annotations: { summary: 's' },
        startsAt: '2023-11-14T22:13:20.12Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://vigil:8080/graph?g0.expr=up',
        fingerprint: a.fingerprint,
      },
    ],
  })
  assert.match(n!.idempotencyKey, /^[0-9a-f]{16}$/)
})

test('changes wait for group_interval; a new alert and a resolution are notified then', () => {
  const clock = new ManualClock(T0)
  const grouper = new Grouper(route)
  const [a, b] = storm(2)
  grouper.upsert([a!], clock.nowMs())
  clock.advance(30 * SEC)
  assert.equal(grouper.tick(clock.nowMs()).length, 1)
  // b fires 1 minute later: nothing until the group's next flush, 5 min after the first.
  clock.advance(MIN)
  grouper.upsert([a!, b!], clock.nowMs())
  clock.advance(4 * MIN - 1)
  assert.deepEqual(grouper.tick(clock.nowMs()), [])
  clock.advance(1)
  const [second] = grouper.tick(clock.nowMs())
  assert.deepEqual(
    second!.payload.alerts.map((x) => x.status),
    ['firing', 'firing'],
  )
  // a resolves: notified at the next interval with both alerts, a resolved with its end time.
  clock.advance(MIN)
  grouper.upsert([resolved(a!, clock.nowMs()), b!], clock.nowMs())
  clock.advance(4 * MIN)
  const [third] = grouper.tick(clock.nowMs())
  assert.equal(third!.payload.status, 'firing')
  assert.deepEqual(
    third!.payload.alerts.map((x) => [x.labels['instance'], x.status, x.endsAt]),
    [
      ['web-000', 'resolved', new Date(T0 + 30 * SEC + 6 * MIN).toISOString().replace('.000', '')],
      ['web-001', 'firing', '0001-01-01T00:00:00Z'],
    ],
  )
  assert.equal(grouper.alertCount, 1, 'the notified resolved alert left the group')
  // b resolves: the all-resolved notification, then the group is gone.
  grouper.upsert([resolved(b!, clock.nowMs())], clock.nowMs())
  clock.advance(5 * MIN)
  const [last] = grouper.tick(clock.nowMs())
  assert.equal(last!.payload.status, 'resolved')
  assert.equal(grouper.groupCount, 0)
})

test('an alert that fires and resolves within group_wait is never notified', () => {
  const grouper = new Grouper(route)
  const [a] = storm(1)
  grouper.upsert([a!], T0)
  grouper.upsert([resolved(a!, T0 + 10 * SEC)], T0 + 10 * SEC)
  assert.deepEqual(grouper.tick(T0 + 30 * SEC), [])
  assert.equal(grouper.groupCount, 0)
  // A resolved alert the grouper never held makes no group at all.
  grouper.upsert([resolved(a!, T0)], T0 + MIN)
  assert.equal(grouper.groupCount, 0)
})

test('an unchanged group repeats after repeat_interval (on a group_interval boundary), with a new key', () => {
  const clock = new ManualClock(T0)
  const grouper = new Grouper({ ...route, repeatIntervalMs: 20 * MIN })
  const alerts = storm(3)
  const keys: string[] = []
  const times: number[] = []
  for (let i = 0; i <= 12; i++) {
    grouper.upsert(alerts, clock.nowMs())
    for (const n of grouper.tick(clock.nowMs())) {
      keys.push(n.idempotencyKey)
      times.push((n.atMs - T0) / MIN)
    }
    clock.advance(i === 0 ? 30 * SEC : 5 * MIN)
  }
  // First at 0.5 min; Alertmanager repeats only when strictly more than repeat_interval has passed.
  assert.deepEqual(times, [0.5, 25.5, 50.5])
  assert.equal(new Set(keys).size, 3)
})

test('groups are separate per tenant and per group label values', () => {
  const grouper = new Grouper(route)
  grouper.upsert(
    [
      makeAlert({ alertname: 'X', cluster: 'a' }),
      makeAlert({ alertname: 'X', cluster: 'b' }),
      makeAlert({ alertname: 'X', cluster: 'a' }, { tenant: 'globex' }),
      makeAlert({ alertname: 'X', cluster: 'a', instance: '2' }),
    ],
    T0,
  )
  const sent = grouper.tick(T0 + 30 * SEC)
  assert.deepEqual(
    sent.map((n) => [n.tenant, n.payload.groupKey, n.payload.alerts.length]),
    [
      ['acme', '{}/{tenant="acme"}:{alertname="X", cluster="a"}', 2],
      ['acme', '{}/{tenant="acme"}:{alertname="X", cluster="b"}', 1],
      ['globex', '{}/{tenant="globex"}:{alertname="X", cluster="a"}', 1],
    ],
  )
})

test("group_by '...' makes one group per alert; a late-started alert flushes at once", () => {
  const grouper = new Grouper({ ...route, groupBy: ['...'] })
  grouper.upsert(storm(3), T0)
  assert.equal(grouper.groupCount, 3)
  const late = new Grouper(route)
  late.upsert(storm(1, T0 - 10 * MIN), T0)
  assert.equal(late.tick(T0).length, 1, 'started 10 min ago: group_wait is already over')
})

test('a firing alert not handed in for resolve_timeout is notified as resolved', () => {
  const clock = new ManualClock(T0)
  const grouper = new Grouper({ ...route, resolveTimeoutMs: 5 * MIN })
  const [a] = storm(1)
  grouper.upsert([a!], clock.nowMs())
  clock.advance(30 * SEC)
  assert.equal(grouper.tick(clock.nowMs()).length, 1)
  clock.advance(5 * MIN) // last seen 5.5 min ago
  const [n] = grouper.tick(clock.nowMs())
  assert.equal(n!.payload.status, 'resolved')
  assert.equal(n!.payload.alerts[0]!.endsAt, new Date(T0 + 5 * MIN).toISOString().replace('.000', ''))
})

test('muted alerts are left out; a group whose alerts are all muted sends nothing', () => {
  let muted = true
  const grouper = new Grouper(route, { isMuted: () => muted })
  grouper.upsert(storm(5), T0)
  assert.deepEqual(grouper.tick(T0 + 30 * SEC), [])
  assert.equal(grouper.alertCount, 5, 'still grouped while muted')
  muted = false
  grouper.upsert(storm(5), T0 + 5 * MIN)
  assert.equal(grouper.tick(T0 + 30 * SEC + 5 * MIN)[0]!.payload.alerts.length, 5)
})

test('acknowledged alerts hold back repeats but not changes', () => {
  const clock = new ManualClock(T0)
  const acked = new Set<string>()
  const grouper = new Grouper(
    { ...route, repeatIntervalMs: 10 * MIN },
    { isAcknowledged: (a) => acked.has(a.fingerprint) },
  )
  const [a, b] = storm(2)
  grouper.upsert([a!], clock.nowMs())
  clock.advance(30 * SEC)
  assert.equal(grouper.tick(clock.nowMs()).length, 1)
  acked.add(a!.fingerprint)
  for (let i = 0; i < 4; i++) {
    clock.advance(5 * MIN)
    grouper.upsert([a!], clock.nowMs())
    assert.deepEqual(grouper.tick(clock.nowMs()), [], 'no repeat while acknowledged')
  }
  grouper.upsert([a!, b!], clock.nowMs())
  clock.advance(5 * MIN)
  assert.equal(grouper.tick(clock.nowMs()).length, 1, 'a new alert in the group is still notified')
})

test('max_alerts truncates the payload and counts the rest; maxAlerts bounds the grouper', () => {
  const grouper = new Grouper({ ...route, maxAlertsPerNotification: 10, maxAlerts: 50 })
  grouper.upsert(storm(60), T0)
  assert.equal(grouper.droppedAlerts, 10)
  const [n] = grouper.tick(T0 + 30 * SEC)
  assert.equal(n!.payload.alerts.length, 10)
  assert.equal(n!.payload.truncatedAlerts, 40)
})

test('send_resolved false leaves resolved alerts out and sends no all-resolved notification', () => {
  const grouper = new Grouper({ ...route, sendResolved: false })
  const [a, b] = storm(2)
  grouper.upsert([a!, b!], T0)
  assert.equal(grouper.tick(T0 + 30 * SEC).length, 1)
  grouper.upsert([resolved(a!, T0 + MIN), b!], T0 + MIN)
  assert.deepEqual(grouper.tick(T0 + 30 * SEC + 5 * MIN), [])
  grouper.upsert([resolved(b!, T0 + 6 * MIN)], T0 + 6 * MIN)
  assert.deepEqual(grouper.tick(T0 + 30 * SEC + 10 * MIN), [])
  assert.equal(grouper.groupCount, 0)
})

test('invalid routes are refused with every problem', () => {
  assert.throws(
    () => new Grouper({ ...route, groupBy: ['...', 'x'], groupIntervalMs: 0 }),
    /invalid route: group_by: '\.\.\.' must be the only entry; group_interval must be greater than 0/,
  )
})
