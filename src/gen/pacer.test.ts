import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../core/testing/manual-clock.js'
import { backoffMs, parseRetryAfter } from './backoff.js'
import { Pacer } from './pacer.js'
import { Rng } from './rng.js'

test('the pacer spaces reservations by records / rate and builds no burst credit', () => {
  const clock = new ManualClock(0)
  const p = new Pacer(1000, clock)
  assert.equal(p.reserve(100), 0)
  assert.equal(p.reserve(100), 100)
  assert.equal(p.reserve(100), 200)
  clock.advance(10_000) // idle for a long time
  assert.equal(p.reserve(500), 0)
  assert.equal(p.reserve(1), 500, 'no catching up after idling')
  p.adjust(-1)
  assert.equal(p.reserve(1), 500)
  const free = new Pacer(0, clock)
  assert.equal(free.reserve(1_000_000), 0)
})

test('backoff grows, is jittered, caps, and honours Retry-After', () => {
  const rng = new Rng(3)
  const first = backoffMs(1, undefined, rng)
  assert.ok(first >= 50 && first <= 100)
  const tenth = backoffMs(10, undefined, rng)
  assert.ok(tenth >= 2500 && tenth <= 5000)
  assert.equal(backoffMs(1, 7000, rng), 7000)
  assert.equal(backoffMs(1, 3_600_000, rng), 60_000, 'Retry-After is capped')
  assert.equal(parseRetryAfter('3', 0), 3000)
  assert.equal(parseRetryAfter(undefined, 0), undefined)
  assert.equal(parseRetryAfter('soon', 0), undefined)
  const now = Date.parse('2026-01-01T00:00:00Z')
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
})
