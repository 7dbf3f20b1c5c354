import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { frameWithDetector, unframeWithDetector } from './detecting-operator.js'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

describe('job snapshots with detector parts', () => {
  it('round-trip the job part and one bank per stage', () => {
    const framed = frameWithDetector(bytes(1, 2, 3), [bytes(4), bytes(5, 6)])
    const { job, banks } = unframeWithDetector(framed)
    assert.deepEqual([...job], [1, 2, 3])
    assert.deepEqual(
      banks?.map((b) => [...b]),
      [[4], [5, 6]],
    )
  })

  it('read the first format (one bank) and a snapshot from before detection (no bank)', () => {
    const v1 = Buffer.concat([
      Buffer.from('VDJ1', 'latin1'),
      Buffer.from([2, 0, 0, 0]),
      Buffer.from([9, 8, 7]),
    ])
    const old = unframeWithDetector(v1)
    assert.deepEqual([...old.job], [9, 8])
    assert.deepEqual(
      old.banks?.map((b) => [...b]),
      [[7]],
    )
    const plain = unframeWithDetector(bytes(0, 1, 2, 3, 4, 5, 6, 7, 8))
    assert.deepEqual([...plain.job], [0, 1, 2, 3, 4, 5, 6, 7, 8])
    assert.equal(plain.banks, undefined)
  })

  it('refuse a truncated snapshot', () => {
    const framed = frameWithDetector(bytes(1, 2, 3), [bytes(4, 5)])
    assert.throws(() => unframeWithDetector(framed.subarray(0, framed.length - 1)), /truncated/)
  })
})
