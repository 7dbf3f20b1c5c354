import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AnomalyRow } from '../../core/batch/index.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { AlertStateChange } from '../alert.js'
import { DEFAULT_ROUTE_CONFIG } from '../routing/route-config.js'
import type { Notification } from '../routing/notification.js'
import { AlertService } from './alert-service.js'
import type { AnomalySource } from './alert-service.js'

/** Anomaly rows handed in by the test (the real feed reads the topic; see the pipeline e2e test). */
class QueuedSource implements AnomalySource {
  queued: AnomalyRow[] = []
  async start(): Promise<void> {}
  async poll(): Promise<readonly AnomalyRow[]> {
    return this.queued.splice(0)
  }
}

const row = (host: string, timeMs: number, alert: boolean): AnomalyRow => ({
  tenant: 'acme',
  source: 'rollups',
  key: `__name__\u0000queue_depth\u0000host\u0000${host}\u0000service\u0000checkout`,
  feature: 'mean',
  windowMs: 10_000,
  timeMs,
  value: alert ? 400 : 40,
  score: alert ? 0.99 : 0.6,
  alert,
  novelty: 0.99,
  levelZ: 0,
  seasonalZ: 0,
  changePoint: false,
  detectedAtMs: timeMs,
})

function service(
  clock: ManualClock,
  source: QueuedSource,
  sent: Notification[],
  history: AlertStateChange[],
  resendTo: readonly string[] = [],
): AlertService {
  return new AlertService({
    resendTo,
    resendIntervalMs: 60_000,
    clock,
    source,
    anomalyRules: [
      { name: 'AnomalyDetected', selector: '{__name__=~".+"}', forMs: 0, labels: { severity: 'warning' } },
    ],
    ruleFiles: [],
    route: {
      ...DEFAULT_ROUTE_CONFIG,
      receiver: 'ops',
      groupBy: ['alertname', 'service'],
      groupWaitMs: 5_000,
      groupIntervalMs: 30_000,
    },
    inhibitRules: [],
    ruleIntervalMs: 60_000,
    lookbackMs: 3_600_000,
    maxAlertsPerTenant: 1000,
    externalURL: 'http://vigil.test',
    notify: (n) => sent.push(n),
    history: async (c) => {
      history.push(...c)
    },
    onError: (err) => assert.fail(String(err)),
  })
}

describe('AlertService', () => {
  it('turns an incident on 40 series into one grouped notification; a silence suppresses the next incident', async () => {
    const clock = new ManualClock(1_700_000_000_000)
    const source = new QueuedSource()
    const sent: Notification[] = []
    const history: AlertStateChange[] = []
    const svc = service(clock, source, sent, history)
    const t0 = clock.nowMs()
    const hosts = Array.from({ length: 40 }, (_, i) => `h${i}`)
    source.queued.push(...hosts.map((h) => row(h, t0, true)))
    await svc.tick()
    assert.equal(svc.alerts('acme').filter((v) => v.alert.state === 'firing').length, 40)
    assert.equal(svc.alerts('other').length, 0)
    assert.equal(sent.length, 0, 'group_wait holds the first notification')
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000)
      await svc.tick()
    }
    assert.equal(sent.length, 1)
    const n = sent[0]!
    assert.equal(n.tenant, 'acme')
    assert.equal(n.payload.receiver, 'ops')
    assert.equal(n.payload.status, 'firing')
    assert.equal(n.payload.alerts.length, 40)
    assert.deepEqual(n.payload.groupLabels, { alertname: 'AnomalyDetected', service: 'checkout' })
    assert.equal(history.filter((c) => c.to === 'firing').length, 40)

    // The series go quiet: after the staleness (5 min of event time) the alerts resolve, one
    // resolved notification follows.
    clock.advance(6 * 60_000)
    await svc.tick()
    clock.advance(31_000)
    await svc.tick()
    assert.equal(sent.length, 2)
    assert.equal(sent[1]!.payload.status, 'resolved')

    // A silence on the service: the next incident is tracked but not notified.
    svc.silences.add(
      'acme',
      {
        matchers: [{ name: 'service', type: '=', value: 'checkout' }],
        endsAtMs: clock.nowMs() + 3_600_000,
        createdBy: 'sre',
        comment: 'deploy',
      },
      clock.nowMs(),
    )
    const t1 = clock.nowMs()
    source.queued.push(...hosts.slice(0, 5).map((h) => row(h, t1, true)))
    for (let i = 0; i < 40; i++) {
      clock.advance(1_000)
      await svc.tick()
    }
    const firing = svc.alerts('acme').filter((v) => v.alert.state === 'firing')
    assert.equal(firing.length, 5)
    assert.ok(firing.every((v) => v.marks.silencedBy.length === 1))
    assert.equal(sent.length, 2, 'silenced: no notification')
  })

  it('does not alert on scores the detector did not flag, nor on a shadow detector', async () => {
    const clock = new ManualClock()
    const source = new QueuedSource()
    const sent: Notification[] = []
    const svc = service(clock, source, sent, [])
    source.queued.push(row('a', clock.nowMs(), false), {
      ...row('b', clock.nowMs(), true),
      feature: 'mean@shadow',
    })
    await svc.tick()
    assert.equal(svc.alerts('acme').length, 0)
    source.queued.push(row('b', clock.nowMs(), true))
    await svc.tick()
    assert.equal(svc.alerts('acme').length, 1, 'the same row from the live detector alerts')
  })

  it('re-sends every unmuted alert to Alertmanager receivers each resend interval, ungrouped', async () => {
    const clock = new ManualClock()
    const source = new QueuedSource()
    const sent: Notification[] = []
    const svc = service(clock, source, sent, [], ['am'])
    svc.silences.add(
      'acme',
      {
        matchers: [{ name: 'host', type: '=', value: 'muted' }],
        endsAtMs: clock.nowMs() + 3_600_000,
        createdBy: 'sre',
        comment: 'x',
      },
      clock.nowMs(),
    )
    source.queued.push(
      row('a', clock.nowMs(), true),
      row('b', clock.nowMs(), true),
      row('muted', clock.nowMs(), true),
    )
    await svc.tick()
    const toAm = (): Notification[] => sent.filter((n) => n.payload.receiver === 'am')
    assert.equal(toAm().length, 1)
    assert.deepEqual(
      toAm()[0]!
        .payload.alerts.map((a) => a.labels['host'])
        .sort(),
      ['a', 'b'],
    )
    clock.advance(30_000)
    await svc.tick()
    assert.equal(toAm().length, 1, 'not before the interval')
    clock.advance(31_000)
    await svc.tick()
    assert.equal(toAm().length, 2)
    assert.notEqual(toAm()[0]!.idempotencyKey, toAm()[1]!.idempotencyKey, 'a re-send is a new delivery')
  })
})
