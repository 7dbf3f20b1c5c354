import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TokenBucket } from './token-bucket.js'

test('a bucket allows its burst, then its rate, refilled from the clock', () => {
  const b = new TokenBucket(2, 3, 0)
  assert.deepEqual([b.tryTake(0), b.tryTake(0), b.tryTake(0), b.tryTake(0)], [true, true, true, false])
  assert.equal(b.secondsUntilToken(), 1)
  assert.equal(b.tryTake(400), false) // 0.8 tokens
  assert.equal(b.tryTake(500), true) // 1.0 token
  assert.equal(b.tryTake(10_000), true)
  assert.equal(b.tryTake(10_000), true)
  assert.equal(b.tryTake(10_000), true)
  assert.equal(b.tryTake(10_000), false, 'never more than the burst')
})

test('rate 0 means unlimited', () => {
  const b = new TokenBucket(0, 1, 0)
  for (let i = 0; i < 100; i++) assert.equal(b.tryTake(0), true)
})
