import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { AlertCandidate } from '../alert-candidate.js'
import type { AlertStateChange } from '../alert.js'
import { labelsFingerprint } from '../fingerprint.js'
import { ActiveAlertBudget } from './alert-budget.js'
import { AlertTracker } from './alert-tracker.js'
import type { AlertTrackerOptions } from './alert-tracker.js'

const MIN = 60_000
const T0 = 1_700_000_000_000

function tracker(o: Partial<AlertTrackerOptions> = {}): AlertTracker {
  return new AlertTracker({
    tenant: 'acme',
    ruleName: 'HighErrorRate',
    ruleKind: 'prometheus',
    forMs: 0,
    keepFiringForMs: 0,
    budget: new ActiveAlertBudget(100),
    flap: { maxResolves: 0, windowMs: 0, quietMs: 0 },
    ...o,
  })
}

const candidate = (instance = 'web-1', value = 1): AlertCandidate => ({
  labels: { alertname: 'HighErrorRate', instance },
  annotations: { summary: `errors on ${instance}` },
  value,
})

/** Evaluates every `stepMs` from the clock's time to `untilMs`, with candidates while `active(t)`. */
function run(
  t: AlertTracker,
  clock: ManualClock,
  untilMs: number,
  stepMs: number,
  active: (t: number) => boolean,
) {
  const changes: AlertStateChange[] = []
  for (; clock.nowMs() <= untilMs; clock.advance(stepMs)) {
    changes.push(...t.update(active(clock.nowMs()) ? [candidate()] : [], clock.nowMs()))
  }
  return changes.map((c) => `${(c.atMs - T0) / 1000}s ${c.from}->${c.to}`)
}

test('for: pending from the first evaluation, firing once the condition held for `for`', () => {
  const clock = new ManualClock(T0)
  const t = tracker({ forMs: 2 * MIN })
  assert.deepEqual(
    run(t, clock, T0 + 3 * MIN, 30_000, () => true),
    ['0s inactive->pending', '120s pending->firing'],
  )
  const a = t.alerts()[0]!
  assert.equal(a.state, 'firing')
  assert.equal(a.activeAtMs, T0)
  assert.equal(a.firedAtMs, T0 + 2 * MIN)
  assert.equal(a.fingerprint, labelsFingerprint(candidate().labels))
  assert.equal(a.tenant, 'acme')
})

test('a pending alert whose condition clears is dropped, never resolved', () => {
  const clock = new ManualClock(T0)
  const t = tracker({ forMs: 5 * MIN })
  assert.deepEqual(
    run(t, clock, T0 + 3 * MIN, MIN, (now) => now < T0 + 2 * MIN),
    ['0s inactive->pending', '120s pending->inactive'],
  )
  assert.deepEqual(t.alerts(), [])
})

test('keep_firing_for holds a firing alert after the condition clears, and a return resets it', () => {
  const clock = new ManualClock(T0)
  const t = tracker({ keepFiringForMs: 5 * MIN })
  // Firing from 0; clear from 1m; back at 3m (inside the 5m hold); clear again from 4m on.
  const active = (now: number) => now < T0 + MIN || (now >= T0 + 3 * MIN && now < T0 + 4 * MIN)
  assert.deepEqual(run(t, clock, T0 + 12 * MIN, MIN, active), [
    '0s inactive->pending',
    '0s pending->firing',
    '540s firing->resolved', // 4m + 5m
  ])
  const a = t.alerts()[0]!
  assert.equal(a.resolvedAtMs, T0 + 9 * MIN)
  assert.equal(a.keepFiringSinceMs, null)
})

test('while held by keep_firing_for the alert shows since when its condition is false', () => {
  const t = tracker({ keepFiringForMs: 5 * MIN })
  t.update([candidate()], T0)
  t.update([], T0 + MIN)
  t.update([], T0 + 2 * MIN)
  assert.equal(t.alerts()[0]!.state, 'firing')
  assert.equal(t.alerts()[0]!.keepFiringSinceMs, T0 + MIN)
})

test('resolved alerts are kept for the retention, then forgotten; a return within it re-pends', () => {
  const budget = new ActiveAlertBudget(10)
  const t = tracker({ resolvedRetentionMs: 15 * MIN, budget })
  t.update([candidate()], T0)
  t.update([], T0 + MIN)
  assert.equal(t.alerts()[0]!.state, 'resolved')
  t.update([], T0 + 16 * MIN)
  assert.equal(t.alerts()[0]!.state, 'resolved', 'exactly 15 min after: still kept')
  t.update([], T0 + 16 * MIN + 1)
  assert.deepEqual(t.alerts(), [])
  assert.equal(budget.tracked('acme'), 0, 'the budget unit is given back')

  const again = tracker()
  again.update([candidate()], T0)
  again.update([], T0 + MIN)
  const changes = again.update([candidate()], T0 + 2 * MIN)
  assert.deepEqual(
    changes.map((c) => `${c.from}->${c.to}`),
    ['resolved->pending', 'pending->firing'],
  )
  assert.equal(again.alerts()[0]!.activeAtMs, T0 + 2 * MIN, 'a new activation, same fingerprint')
})

test('a candidate that knows when its condition began (anomaly rules) fires `for` after that', () => {
  const t = tracker({ forMs: 2 * MIN, ruleKind: 'anomaly' })
  const changes = t.update([{ ...candidate(), activeSinceMs: T0 - 2 * MIN }], T0)
  assert.deepEqual(
    changes.map((c) => [c.from, c.to, c.atMs]),
    [
      ['inactive', 'pending', T0 - 2 * MIN],
      ['pending', 'firing', T0],
    ],
  )
})

test('flap suppression: after maxResolves resolutions in the window the alert is held firing', () => {
  const clock = new ManualClock(T0)
  const t = tracker({ flap: { maxResolves: 2, windowMs: 10 * MIN, quietMs: 10 * MIN } })
  // The condition toggles every minute for 8 minutes, then stays clear.
  const active = (now: number) => now < T0 + 8 * MIN && Math.floor((now - T0) / MIN) % 2 === 0
  const transitions = run(t, clock, T0 + 30 * MIN, MIN, active)
  assert.deepEqual(transitions, [
    '0s inactive->pending',
    '0s pending->firing',
    '60s firing->resolved',
    '120s resolved->pending',
    '120s pending->firing',
    '180s firing->resolved',
    '240s resolved->pending',
    '240s pending->firing', // two resolutions in the window: flapping from here
    // Held through the toggles at 5m-7m (no transitions); last true at 6m, clear from 7m, so it
    // resolves once quiet for 10 minutes.
    '1020s firing->resolved',
  ])
  assert.equal(t.alerts()[0]!.isFlapping, true)
})

test('the active alert budget is per tenant, shared by trackers, and counts drops', () => {
  const budget = new ActiveAlertBudget(2)
  const a = tracker({ budget })
  const b = tracker({ budget, ruleName: 'Other' })
  a.update([candidate('1'), candidate('2')], T0)
  b.update([candidate('3')], T0)
  assert.equal(a.alerts().length + b.alerts().length, 2)
  assert.equal(budget.dropped('acme'), 1)
  const other = tracker({ budget, tenant: 'globex' })
  other.update([candidate('1')], T0)
  assert.equal(other.alerts().length, 1, 'another tenant has its own budget')
})

test('alerts are immutable snapshots; duplicate candidates are counted once', () => {
  const t = tracker({ forMs: MIN })
  t.update([candidate('x', 1), candidate('x', 2)], T0)
  assert.equal(t.duplicates, 1)
  const before = t.alerts()[0]!
  t.update([candidate('x', 3)], T0 + MIN)
  assert.equal(before.state, 'pending')
  assert.equal(before.lastValue, 1)
  assert.equal(t.alerts()[0]!.state, 'firing')
  assert.equal(t.alerts()[0]!.lastValue, 3)
})

test('evaluation time never goes back', () => {
  const t = tracker({ forMs: MIN })
  t.update([candidate()], T0)
  const changes = t.update([candidate()], T0 - 10 * MIN)
  assert.deepEqual(changes, [])
  assert.equal(t.alerts()[0]!.lastEvalMs, T0)
})

test('a flap window longer than the resolved retention is refused', () => {
  assert.throws(
    () => tracker({ resolvedRetentionMs: MIN, flap: { maxResolves: 3, windowMs: 2 * MIN, quietMs: MIN } }),
    /flap window/,
  )
})
