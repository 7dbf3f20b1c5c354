import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SeriesBank } from './series-bank.js'

function touch(bank: SeriesBank, key: string, t: number, v: number): void {
  const slot = bank.slot('g', key, t)
  bank.state.fill(v, slot * bank.stride, (slot + 1) * bank.stride)
}

function dump(bank: SeriesBank, keys: string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const k of keys) {
    const before = bank.size
    const slot = bank.slot('g', k, 0)
    if (bank.size !== before) continue // was absent
    out[k] = Array.from(bank.state.subarray(slot * bank.stride, (slot + 1) * bank.stride))
  }
  return out
}

describe('SeriesBank', () => {
  it('grows past its initial capacity and refuses series beyond maxSeries', () => {
    const bank = new SeriesBank(3, 5, 2)
    for (let i = 0; i < 5; i++) touch(bank, `s${i}`, 1, i)
    assert.equal(bank.slot('g', 's5', 1), -1)
    assert.equal(bank.size, 5)
    assert.deepEqual(Array.from(bank.state.subarray(4 * 3, 5 * 3)), [4, 4, 4])
  })

  it('restores a full snapshot followed by deltas (changes and evictions) to the same state', () => {
    const a = new SeriesBank(4, 100)
    for (let i = 0; i < 10; i++) touch(a, `k${i}`, 1000, i)
    const chain = [a.snapshot(true)]
    touch(a, 'k3', 2000, 33)
    touch(a, 'k10', 2000, 10)
    chain.push(a.snapshot(false))
    assert.equal(a.evictIdle(1500), 9) // all but k3 and k10
    touch(a, 'k11', 3000, 11)
    chain.push(a.snapshot(false))
    const b = new SeriesBank(4, 100)
    b.restore(chain)
    assert.equal(b.size, 3)
    const keys = ['k3', 'k10', 'k11']
    assert.deepEqual(dump(b, keys), { k3: [33, 33, 33, 33], k10: [10, 10, 10, 10], k11: [11, 11, 11, 11] })
    // A delta after nothing changed is empty but valid.
    const c = new SeriesBank(4, 100)
    c.restore([...chain, b.snapshot(false)])
    assert.equal(c.size, 3)
  })

  it('rejects a damaged snapshot, a chain without a full head, and a different stride', () => {
    const a = new SeriesBank(2, 10)
    touch(a, 'x', 1, 1)
    const full = a.snapshot(true)
    touch(a, 'x', 2, 2)
    const delta = a.snapshot(false)
    const damaged = Uint8Array.from(full)
    damaged[damaged.length - 10] = damaged[damaged.length - 10]! ^ 0xff
    assert.throws(() => new SeriesBank(2, 10).restore([damaged]), /checksum mismatch/)
    assert.throws(() => new SeriesBank(2, 10).restore([delta]), /does not start with a full snapshot/)
    assert.throws(() => new SeriesBank(3, 10).restore([full]), /stride 2 differs/)
  })
})
