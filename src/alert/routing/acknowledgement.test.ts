import assert from 'node:assert/strict'
import { test } from 'node:test'
import { makeAlert, resolved } from '../testing/make-alert.js'
import { Acknowledgements } from './acknowledgement.js'

const T0 = 1_700_000_000_000

test('an acknowledgement holds until the alert changes state', () => {
  const acks = new Acknowledgements()
  const firing = makeAlert({ alertname: 'DiskFull' }, { firedAtMs: T0 })
  assert.equal(acks.isAcknowledged(firing), false)
  acks.acknowledge(
    { tenant: 'acme', fingerprint: firing.fingerprint, by: 'alice', comment: 'on it' },
    T0 + 1000,
  )
  assert.equal(acks.isAcknowledged(firing), true)
  assert.equal(acks.current(firing)?.by, 'alice')
  assert.equal(acks.isAcknowledged({ ...firing, tenant: 'globex' }), false, 'per tenant')
  const gone = resolved(firing, T0 + 5000)
  assert.equal(acks.isAcknowledged(gone), false, 'resolved after the acknowledgement')
  const refired = { ...firing, activeAtMs: T0 + 6000, firedAtMs: T0 + 6000 }
  assert.equal(acks.isAcknowledged(refired), false, 'a new firing needs a new acknowledgement')
  assert.equal(acks.unacknowledge('acme', firing.fingerprint), true)
  assert.equal(acks.get('acme', firing.fingerprint), undefined)
})

test('the oldest acknowledgements are evicted past the bound, and counted', () => {
  const acks = new Acknowledgements({ maxEntries: 2 })
  for (const fp of ['a', 'b', 'c'])
    acks.acknowledge({ tenant: 't', fingerprint: fp, by: 'x', comment: '' }, T0)
  assert.equal(acks.evicted, 1)
  assert.equal(acks.get('t', 'a'), undefined)
  assert.equal(acks.get('t', 'c')?.by, 'x')
})
