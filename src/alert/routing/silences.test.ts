import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../core/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { makeAlert } from '../testing/make-alert.js'
import { Grouper } from './grouper.js'
import { Inhibitor } from './inhibition.js'
import { Muter } from './muter.js'
import { DEFAULT_ROUTE_CONFIG } from './route-config.js'
import { Silences, silenceState } from './silences.js'
import type { SilenceInput } from './silences.js'

const T0 = 1_700_000_000_000
const MIN = 60_000

function ids() {
  let n = 0
  return () => `s${++n}`
}

const input = (over: Partial<SilenceInput> = {}): SilenceInput => ({
  matchers: [{ name: 'alertname', type: '=', value: 'DiskFull' }],
  endsAtMs: T0 + 60 * MIN,
  createdBy: 'alice',
  comment: 'replacing the disk',
  ...over,
})

test('a silence is active from its start to its end (exclusive), for its tenant only', () => {
  const silences = new Silences({ newId: ids() })
  const s = silences.add('acme', input({ startsAtMs: T0 + MIN }), T0)
  const labels = { alertname: 'DiskFull', instance: 'db-1' }
  assert.equal(silenceState(s, T0), 'pending')
  assert.equal(silences.isSilenced('acme', labels, T0), false)
  assert.deepEqual(silences.silencedBy('acme', labels, T0 + MIN), ['s1'])
  assert.equal(silences.isSilenced('acme', labels, T0 + 60 * MIN - 1), true)
  assert.equal(silences.isSilenced('acme', labels, T0 + 60 * MIN), false, 'expired at endsAt')
  assert.equal(silences.isSilenced('globex', labels, T0 + 2 * MIN), false, 'another tenant is not silenced')
  assert.equal(silences.isSilenced('acme', { alertname: 'Other' }, T0 + 2 * MIN), false)
})

test('a silence suppresses a notification; after its expiry the next one goes through', () => {
  const clock = new ManualClock(T0)
  const silences = new Silences({ newId: ids() })
  const muter = new Muter(silences, new Inhibitor([]))
  const grouper = new Grouper(
    { ...DEFAULT_ROUTE_CONFIG, groupWaitMs: 30_000, groupIntervalMs: 5 * MIN },
    { isMuted: (a, now) => muter.isMuted(a, now) },
  )
  silences.add('acme', input({ endsAtMs: T0 + 10 * MIN }), clock.nowMs())
  const alert = makeAlert({ alertname: 'DiskFull', instance: 'db-1' }, { firedAtMs: T0 })
  const sent: number[] = []
  for (let t = 0; t <= 20 * MIN; t += 30_000) {
    clock.set(T0 + t)
    grouper.upsert([alert], clock.nowMs())
    for (const n of grouper.tick(clock.nowMs())) sent.push((n.atMs - T0) / MIN)
  }
  // Flushes at 0.5, 5.5 (silenced), 10.5 (expired at 10): the first notification goes out then.
  assert.deepEqual(sent, [10.5])
  // While silenced the alert was still tracked and marked.
  assert.deepEqual(muter.marks(alert, T0 + MIN), {
    silencedBy: ['s1'],
    inhibitedBy: [],
    acknowledgedBy: null,
  })
})

test('expire ends a silence now; expired silences are pruned after the retention', () => {
  const silences = new Silences({ newId: ids(), expiredRetentionMs: 60 * MIN })
  silences.add('acme', input(), T0)
  const expired = silences.expire('acme', 's1', T0 + MIN)
  assert.equal(expired.endsAtMs, T0 + MIN)
  assert.equal(silences.isSilenced('acme', { alertname: 'DiskFull' }, T0 + MIN), false)
  assert.equal(silences.list('acme').length, 1, 'kept for the record')
  assert.equal(silences.prune(T0 + 61 * MIN), 0)
  assert.equal(silences.prune(T0 + 61 * MIN + 1), 1)
  assert.deepEqual(silences.list('acme'), [])
  assert.throws(
    () => silences.expire('acme', 's1', T0),
    (err: unknown) => errorCode(err) === 'ALERT_SILENCE_NOT_FOUND',
  )
  // A pending silence expired before its start never starts.
  const pending = silences.add('acme', input({ startsAtMs: T0 + 30 * MIN }), T0)
  const ended = silences.expire('acme', pending.id, T0 + MIN)
  assert.equal(silenceState(ended, T0 + 40 * MIN), 'expired')
})

test('invalid silences are refused with the reason; the per-tenant limit is a clear error', () => {
  const silences = new Silences({ newId: ids(), maxPerTenant: 1 })
  const bad: [Partial<SilenceInput>, RegExp][] = [
    [{ matchers: [] }, /at least one matcher/],
    [{ matchers: [{ name: 'x', type: '=~', value: '.*' }] }, /must not match the empty string/],
    [{ matchers: [{ name: 'x', type: '=~', value: '(' }] }, /invalid regular expression/],
    [{ createdBy: ' ' }, /missing creator/],
    [{ comment: '' }, /missing comment/],
    [{ startsAtMs: T0 + 2 * MIN, endsAtMs: T0 + MIN }, /end time must be after start time/],
    [{ startsAtMs: T0 - 2 * MIN, endsAtMs: T0 - MIN }, /end time must be after start time/],
  ]
  for (const [over, message] of bad) {
    assert.throws(
      () => silences.add('acme', input(over), T0),
      (err: unknown) => errorCode(err) === 'ALERT_SILENCE_INVALID' && message.test(String(err)),
      String(message),
    )
  }
  silences.add('acme', input(), T0)
  assert.throws(
    () => silences.add('acme', input(), T0),
    (err: unknown) => errorCode(err) === 'ALERT_SILENCE_LIMIT',
  )
  silences.add('globex', input(), T0)
})
