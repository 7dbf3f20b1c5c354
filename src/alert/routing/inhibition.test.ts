import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { makeAlert, resolved } from '../testing/make-alert.js'
import { Grouper } from './grouper.js'
import { Inhibitor, parseInhibitRule } from './inhibition.js'
import { Muter } from './muter.js'
import { DEFAULT_ROUTE_CONFIG } from './route-config.js'
import { Silences } from './silences.js'

const T0 = 1_700_000_000_000
const MIN = 60_000

// Alertmanager's classic example: a critical alert mutes the warnings of the same cluster.
const rule = parseInhibitRule({
  source_matchers: ['severity="critical"'],
  target_matchers: ['severity=~"warning|info"'],
  equal: ['cluster'],
})

test('a firing source mutes targets with equal labels, and only those', () => {
  const inhibitor = new Inhibitor([rule])
  const source = makeAlert({ alertname: 'ClusterDown', severity: 'critical', cluster: 'eu-1' })
  const target = makeAlert({ alertname: 'HighLatency', severity: 'warning', cluster: 'eu-1' })
  const otherCluster = makeAlert({ alertname: 'HighLatency', severity: 'warning', cluster: 'us-1' })
  const otherTenant = makeAlert(
    { alertname: 'HighLatency', severity: 'warning', cluster: 'eu-1' },
    { tenant: 'globex' },
  )
  assert.equal(inhibitor.isInhibited(target, T0), false, 'no source observed yet')
  inhibitor.observe([source], T0)
  assert.deepEqual(inhibitor.inhibitedBy(target, T0), [source.fingerprint])
  assert.equal(inhibitor.isInhibited(otherCluster, T0), false)
  assert.equal(inhibitor.isInhibited(otherTenant, T0), false)
  assert.equal(inhibitor.isInhibited(source, T0), false, 'the source is no target')
  // The source resolves: the target is notified again.
  inhibitor.observe([resolved(source, T0 + MIN)], T0 + MIN)
  assert.equal(inhibitor.isInhibited(target, T0 + MIN), false)
})

test('a pending source does not inhibit; a source not seen for the timeout expires', () => {
  const inhibitor = new Inhibitor([rule], { sourceTimeoutMs: 5 * MIN })
  const target = makeAlert({ alertname: 'HighLatency', severity: 'warning', cluster: 'eu-1' })
  const source = makeAlert({ alertname: 'ClusterDown', severity: 'critical', cluster: 'eu-1' })
  inhibitor.observe([{ ...source, state: 'pending', firedAtMs: null }], T0)
  assert.equal(inhibitor.isInhibited(target, T0), false)
  inhibitor.observe([source], T0)
  assert.equal(inhibitor.isInhibited(target, T0 + 5 * MIN), true)
  assert.equal(inhibitor.isInhibited(target, T0 + 5 * MIN + 1), false)
})

test('alerts matching both sides do not inhibit each other (Alertmanager)', () => {
  const both = parseInhibitRule({
    source_matchers: ['alertname="Noisy"'],
    target_matchers: ['alertname="Noisy"'],
    equal: [],
  })
  const inhibitor = new Inhibitor([both])
  const a = makeAlert({ alertname: 'Noisy', instance: '1' })
  const b = makeAlert({ alertname: 'Noisy', instance: '2' })
  inhibitor.observe([a, b], T0)
  assert.equal(inhibitor.isInhibited(a, T0), false)
  assert.equal(inhibitor.isInhibited(b, T0), false)
})

test('an inhibited alert is left out of its notification; silenced sources still inhibit', () => {
  const clock = new ManualClock(T0)
  const silences = new Silences()
  const inhibitor = new Inhibitor([rule])
  const muter = new Muter(silences, inhibitor)
  const grouper = new Grouper(
    { ...DEFAULT_ROUTE_CONFIG, groupBy: ['cluster'] },
    { isMuted: (a, n) => muter.isMuted(a, n) },
  )
  const source = makeAlert({ alertname: 'ClusterDown', severity: 'critical', cluster: 'eu-1' })
  const target = makeAlert({ alertname: 'HighLatency', severity: 'warning', cluster: 'eu-1' })
  silences.add(
    'acme',
    {
      matchers: [{ name: 'alertname', type: '=', value: 'ClusterDown' }],
      endsAtMs: T0 + 60 * MIN,
      createdBy: 'bob',
      comment: 'known',
    },
    T0,
  )
  inhibitor.observe([source, target], clock.nowMs())
  grouper.upsert([source, target], clock.nowMs())
  clock.advance(30_000)
  assert.deepEqual(grouper.tick(clock.nowMs()), [], 'source silenced, target inhibited')
  assert.deepEqual(muter.marks(target, clock.nowMs()).inhibitedBy, [source.fingerprint])
})

test('bad inhibit rules are user errors', () => {
  assert.throws(
    () => parseInhibitRule({ source_matchers: ['severity=~"("'] }),
    (err: unknown) => errorCode(err) === 'ALERT_INHIBIT_INVALID',
  )
  assert.throws(
    () => parseInhibitRule({ equal: ['not-a-label'] }),
    /invalid inhibit rule: equal: invalid label name/,
  )
})
