import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { erfc, normalTail, twoSidedTail } from './normal-tail.js'

describe('normal tail', () => {
  it('matches reference values of erfc and Q to 1.2e-7 relative', () => {
    // erfc reference values (Abramowitz & Stegun table 7.1).
    const cases: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001222],
      [1, 0.1572992071],
      [2, 0.004677734981],
      [3, 2.209049699e-5],
      [-1, 1.8427007929],
    ]
    for (const [x, want] of cases) {
      assert.ok(Math.abs(erfc(x) - want) / want < 1.2e-7, `erfc(${x}) = ${erfc(x)}, want ${want}`)
    }
    assert.ok(Math.abs(normalTail(1.959963985) - 0.025) < 1e-8)
    assert.ok(Math.abs(twoSidedTail(-1.959963985) - 0.05) < 1e-8)
  })
})
