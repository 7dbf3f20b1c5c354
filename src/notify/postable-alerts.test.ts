import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { postableAlerts } from './postable-alerts.js'
import { firingAlert, payloadOf } from './testing/notify-fixtures.js'
import { ZERO_TIME } from './webhook-payload.js'

const NOW = '2024-05-01T12:00:00.000Z'

describe('postableAlerts', () => {
  it('sends a firing alert without endsAt, so Alertmanager applies its resolve_timeout', () => {
    const [alert] = postableAlerts(payloadOf([firingAlert({ alertname: 'A' })]), NOW)
    assert.deepEqual(alert, {
      labels: { alertname: 'A' },
      annotations: { summary: 'A is firing' },
      startsAt: '2024-05-01T11:58:00Z',
      generatorURL: 'http://vigil.example:8080/alerts?g=1',
    })
  })

  it('keeps a firing alert’s known end', () => {
    const [alert] = postableAlerts(
      payloadOf([firingAlert({ a: '1' }, { endsAt: '2024-05-01T12:04:00Z' })]),
      NOW,
    )
    assert.equal(alert!.endsAt, '2024-05-01T12:04:00Z')
  })

  it('sends a resolved alert with its endsAt, or now when it has none', () => {
    const resolved = firingAlert({ a: '1' }, { status: 'resolved', endsAt: '2024-05-01T11:59:30Z' })
    const noEnd = firingAlert({ a: '2' }, { status: 'resolved', endsAt: ZERO_TIME })
    const alerts = postableAlerts(payloadOf([resolved, noEnd]), NOW)
    assert.deepEqual(
      alerts.map((a) => a.endsAt),
      ['2024-05-01T11:59:30Z', NOW],
    )
  })
})
