import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parsePromDuration, parsePromTime } from './params.js'
import { PromApiError } from './prom-api-error.js'

test('times parse as Prometheus does: float seconds rounded to the ms, or RFC 3339 truncated', () => {
  assert.equal(parsePromTime('1700000000', 'time'), 1_700_000_000_000)
  assert.equal(parsePromTime('1700000000.123456', 'time'), 1_700_000_000_123)
  assert.equal(parsePromTime('1700000000.0009', 'time'), 1_700_000_000_001)
  assert.equal(parsePromTime('-1.5', 'time'), -1_500)
  assert.equal(parsePromTime('2023-11-14T22:13:20.9999Z', 'time'), 1_700_000_000_999)
  assert.equal(parsePromTime('2023-11-14T23:13:20+01:00', 'time'), 1_700_000_000_000)
  assert.throws(
    () => parsePromTime('yesterday', 'start'),
    (e: unknown) =>
      e instanceof PromApiError && e.status === 400 && /invalid parameter "start"/.test(e.message),
  )
})

test('durations are float seconds or Prometheus durations', () => {
  assert.equal(parsePromDuration('15', 'step'), 15_000)
  assert.equal(parsePromDuration('0.5', 'step'), 500)
  assert.equal(parsePromDuration('1m30s', 'step'), 90_000)
  assert.throws(() => parsePromDuration('1.5m', 'step'), /cannot parse "1.5m" to a valid duration/)
})
