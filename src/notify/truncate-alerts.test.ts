import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { firingAlert, payloadOf } from './testing/notify-fixtures.js'
import { truncateAlerts } from './truncate-alerts.js'

const alerts = [
  firingAlert({ alertname: 'HighLatency', service: 'checkout', zone: 'a' }, { status: 'resolved' }),
  firingAlert({ alertname: 'HighLatency', service: 'checkout', zone: 'b' }, { status: 'resolved' }),
  firingAlert({ alertname: 'HighLatency', service: 'cart', zone: 'b' }),
]

describe('truncateAlerts', () => {
  it('keeps every alert for maxAlerts 0 or a limit not exceeded, returning the same object', () => {
    const payload = payloadOf(alerts)
    assert.equal(truncateAlerts(payload, 0), payload)
    assert.equal(truncateAlerts(payload, 3), payload)
  })

  it('keeps the first alerts, counts the rest, and computes status and common labels from those kept', () => {
    const payload = payloadOf(alerts)
    assert.equal(payload.status, 'firing')
    assert.deepEqual(payload.commonLabels, { alertname: 'HighLatency' })
    const cut = truncateAlerts(payload, 2)
    assert.deepEqual(cut.alerts, alerts.slice(0, 2))
    assert.equal(cut.truncatedAlerts, 1)
    assert.equal(cut.status, 'resolved') // as Alertmanager: the firing alert was cut
    assert.deepEqual(cut.commonLabels, { alertname: 'HighLatency', service: 'checkout' })
    assert.deepEqual(cut.commonAnnotations, { summary: 'HighLatency is firing' })
    assert.equal(cut.groupKey, payload.groupKey)
    assert.deepEqual(cut.groupLabels, payload.groupLabels)
  })

  it('adds to a count already there', () => {
    assert.equal(truncateAlerts(payloadOf(alerts, { truncatedAlerts: 4 }), 1).truncatedAlerts, 6)
  })
})
