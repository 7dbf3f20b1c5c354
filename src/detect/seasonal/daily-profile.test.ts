import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PointFeatures } from '../features/point-features.js'
import { StateLayout } from '../state-layout.js'
import { DailyProfile } from './daily-profile.js'

const STEP = 300_000
const T0 = Date.parse('2026-01-05T00:00:00Z')
const PER_DAY = 288

function feed(
  values: (i: number) => number,
  n: number,
): { profile: DailyProfile; s: Float64Array; at: (i: number, v: number) => PointFeatures } {
  const layout = new StateLayout()
  const profile = new DailyProfile(layout, { bins: 24, alpha: 0.2, gate: 0.5 })
  const s = new Float64Array(layout.stride)
  const p = new PointFeatures()
  const at = (i: number, v: number): PointFeatures => {
    p.count = i + 1
    p.timeMs = T0 + i * STEP
    p.value = v
    p.dayPhase = (((p.timeMs % 86_400_000) + 86_400_000) % 86_400_000) / 86_400_000
    return p
  }
  for (let i = 0; i < n; i++) profile.update(s, 0, at(i, values(i)))
  return { profile, s, at }
}

const square = (i: number): number => {
  const hour = ((i % PER_DAY) / PER_DAY) * 24
  return (hour >= 9 && hour < 17 ? 80 : 20) + ((i * 7919) % 5) - 2
}

describe('DailyProfile', () => {
  it('becomes the baseline of a daily series after two days; a missing peak is a large residual, a normal one is not', () => {
    const { profile, s, at } = feed(square, PER_DAY * 5)
    const noon = PER_DAY * 5 + 144
    assert.ok(profile.active(s, 0, T0 + noon * STEP))
    const normal = profile.z(s, 0, profile.residual(s, 0, at(noon, 80)))
    const missing = profile.z(s, 0, profile.residual(s, 0, at(noon, 20)))
    assert.ok(Math.abs(normal) < 1, `normal noon residual ${normal}`)
    assert.ok(missing < -4, `missing peak residual ${missing}`)
  })

  it('stays off for a series without a daily pattern, and before two days', () => {
    const noise = (i: number): number => 50 + ((i * 7919) % 11) - 5
    const { profile, s } = feed(noise, PER_DAY * 5)
    assert.equal(profile.active(s, 0, T0 + PER_DAY * 5 * STEP), false)
    const young = feed(square, PER_DAY + 10)
    assert.equal(young.profile.active(young.s, 0, T0 + (PER_DAY + 10) * STEP), false)
  })
})
