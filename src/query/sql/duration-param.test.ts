import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseDuration } from './duration-param.js'
import { QueryParamError } from './query-error.js'

test('Go-style durations', () => {
  assert.equal(parseDuration('250ms', 'd'), 250_000_000n)
  assert.equal(parseDuration('1.5s', 'd'), 1_500_000_000n)
  assert.equal(parseDuration('.5s', 'd'), 500_000_000n)
  assert.equal(parseDuration('2m', 'd'), 120_000_000_000n)
  assert.equal(parseDuration('1h30m', 'd'), 5_400_000_000_000n)
  assert.equal(parseDuration('1m30s250ms', 'd'), 90_250_000_000n)
  assert.equal(parseDuration('10us', 'd'), 10_000n)
  assert.equal(parseDuration('10µs', 'd'), 10_000n)
  assert.equal(parseDuration('7ns', 'd'), 7n)
  assert.equal(parseDuration('0', 'd'), 0n)
})

test('anything else is a QueryParamError naming the parameter', () => {
  for (const bad of ['', '5', '-1s', '1d', 's', '1.s5', '1h 30m', '1.5', '.s']) {
    assert.throws(
      () => parseDuration(bad, 'minDuration'),
      (err: unknown) =>
        err instanceof QueryParamError &&
        err.param === 'minDuration' &&
        /is not a duration: give a number with a unit/.test(err.message),
      bad,
    )
  }
  assert.throws(() => parseDuration('9999999h', 'maxDuration'), /maxDuration: "9999999h" is too long/)
})
