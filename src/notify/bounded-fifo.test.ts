import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BoundedFifo } from './bounded-fifo.js'

describe('BoundedFifo', () => {
  it('is first in, first out across wrap-around', () => {
    const q = new BoundedFifo<number>(3)
    for (let i = 0; i < 10; i++) {
      assert.equal(q.push(i), undefined)
      assert.equal(q.shift(), i)
    }
    assert.equal(q.size, 0)
    assert.equal(q.shift(), undefined)
  })

  it('evicts and returns the oldest when full', () => {
    const q = new BoundedFifo<string>(2)
    q.push('a')
    q.push('b')
    assert.equal(q.push('c'), 'a')
    assert.equal(q.size, 2)
    assert.deepEqual([q.shift(), q.shift(), q.shift()], ['b', 'c', undefined])
  })

  it('refuses a capacity below 1', () => {
    assert.throws(() => new BoundedFifo(0), RangeError)
  })
})
