import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { backoffMs, parseRetryAfter } from './retry-policy.js'

const policy = { maxAttempts: 5, initialBackoffMs: 500, maxBackoffMs: 4_000, maxRetryAfterMs: 60_000 }

describe('backoffMs', () => {
  it('doubles from the initial backoff up to the maximum', () => {
    const top = () => 0.999999 // jitter factor ~1
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy, n, undefined, top)),
      [500, 1_000, 2_000, 4_000, 4_000, 4_000],
    )
  })

  it('jitters between 50 % and 100 % of the exponential value', () => {
    assert.equal(
      backoffMs(policy, 2, undefined, () => 0),
      500,
    )
    assert.equal(
      backoffMs(policy, 2, undefined, () => 0.5),
      750,
    )
    assert.ok(backoffMs(policy, 2, undefined, () => 0.999999) <= 1_000)
  })

  it('waits at least a Retry-After, capped at maxRetryAfter', () => {
    assert.equal(
      backoffMs(policy, 1, 7_000, () => 0.5),
      7_000,
    )
    assert.equal(
      backoffMs(policy, 3, 100, () => 0.5),
      1_500,
    ) // shorter than the backoff: backoff wins
    assert.equal(
      backoffMs(policy, 1, 3_600_000, () => 0.5),
      60_000,
    )
  })

  it('does not overflow for many failures', () => {
    assert.equal(
      backoffMs(policy, 10_000, undefined, () => 0.999999),
      4_000,
    )
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 4, 1, 12)

  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('7', now), 7_000)
    assert.equal(parseRetryAfter(' 0 ', now), 0)
  })

  it('reads an HTTP date relative to now, a past date as 0', () => {
    assert.equal(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000)
    assert.equal(parseRetryAfter(new Date(now - 30_000).toUTCString(), now), 0)
  })

  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined)
    assert.equal(parseRetryAfter('', now), undefined)
    assert.equal(parseRetryAfter('soon', now), undefined)
    assert.equal(parseRetryAfter('-5', now), undefined)
  })
})
