import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { detectorConfig } from './detector-config.js'
import { DetectorOutput, PointDetector } from './point-detector.js'

const STEP = 300_000 // 5 minutes
const T0 = Date.parse('2026-01-05T00:00:00Z')

/** Deterministic noise in [-1, 1]. */
function noise(seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return (x / 2 ** 32) * 2 - 1
  }
}

function run(
  values: number[],
  config = detectorConfig(),
): { scores: number[]; alerts: boolean[]; cps: number[] } {
  const d = new PointDetector(config)
  const s = d.newState(1)
  const out = new DetectorOutput()
  const scores: number[] = []
  const alerts: boolean[] = []
  const cps: number[] = []
  values.forEach((v, i) => {
    d.update(s, 0, T0 + i * STEP, v, out)
    scores.push(out.score)
    alerts.push(out.alert)
    if (out.changePoint) cps.push(i)
  })
  return { scores, alerts, cps }
}

describe('PointDetector', () => {
  it('keeps its state within 1 KiB per series', () => {
    assert.ok(new PointDetector(detectorConfig()).stride * 8 <= 1024)
  })

  it('scores nothing while warming up, and every score is in [0, 1]', () => {
    const r = noise(1)
    const { scores } = run(Array.from({ length: 3000 }, () => 50 + 5 * r()))
    assert.ok(scores.slice(0, 450).every((s) => s === 0))
    assert.ok(scores.every((s) => s >= 0 && s <= 1))
  })

  it('does not alert on stationary noise', () => {
    const r = noise(2)
    const { alerts } = run(Array.from({ length: 5000 }, () => 50 + 5 * r()))
    assert.equal(alerts.filter(Boolean).length, 0)
  })

  it('alerts on a spike to a value the series never takes', () => {
    const r = noise(3)
    const values = Array.from({ length: 2000 }, () => 50 + 5 * r())
    values[1500] = 120
    const { scores, alerts } = run(values)
    assert.ok(alerts[1500], `score at the spike ${scores[1500]}`)
    assert.equal(alerts.filter(Boolean).length, 1)
  })

  it('alerts at a persistent shift, then learns the new normal (stops alerting), and declares a change point', () => {
    const r = noise(4)
    const values = Array.from({ length: 6000 }, (_, i) => (i < 2000 ? 50 : 90) + 5 * r())
    const { alerts, cps } = run(values)
    const first = alerts.indexOf(true)
    assert.ok(first >= 2000 && first < 2010, `first alert at ${first}`)
    assert.ok(
      cps.some((i) => i >= 2000 && i < 2100),
      `change points at ${cps.join(',')}`,
    )
    assert.equal(alerts.slice(4000).filter(Boolean).length, 0, 'the new level is normal by then')
  })

  it('uses the daily profile: a missing daily peak shows as seasonal evidence although its values are common', () => {
    const r = noise(5)
    const perDay = 288
    const values = Array.from({ length: perDay * 10 }, (_, i) => {
      const hour = ((i % perDay) / perDay) * 24
      return (hour >= 9 && hour < 17 ? 80 : 20) + 2 * r()
    })
    // Day 8 has no peak: the values stay at the night level, which the series takes every day.
    for (let i = perDay * 8; i < perDay * 9; i++) values[i] = 20 + 2 * r()
    const d = new PointDetector(detectorConfig())
    const s = d.newState(1)
    const out = new DetectorOutput()
    let normalMax = 0
    let missingMax = 0
    let missingZ = 0
    // Compare the same hours (10:00–16:00, away from the daily edges) of normal days and of day 8.
    const midday = (i: number): boolean => i % perDay >= 120 && i % perDay < 192
    values.forEach((v, i) => {
      d.update(s, 0, T0 + i * STEP, v, out)
      if (i >= perDay * 3 && i < perDay * 8 && midday(i)) normalMax = Math.max(normalMax, out.score)
      if (i >= perDay * 8 && i < perDay * 9 && midday(i)) {
        missingMax = Math.max(missingMax, out.score)
        missingZ = Math.min(missingZ, out.seasonalZ)
      }
    })
    assert.ok(missingZ < -4, `seasonal residual ${missingZ}`)
    assert.ok(normalMax < 0.95, `normal days do not alert (max ${normalMax})`)
  })

  it('alerts rarely on a slow drift into values the series never took (≤ 1 in 1,000 points), but does on a jump there', () => {
    const r = noise(6)
    // 4,000 points drifting from 50 to 90 (the warm-up saw 50–53): new values, reached gradually.
    const drift = Array.from({ length: 4000 }, (_, i) => 50 + (40 * i) / 4000 + 2 * r())
    const driftAlerts = run(drift).alerts.filter(Boolean).length
    assert.ok(driftAlerts <= 4, `${driftAlerts} alerts in 4,000 points of drift`)
    const jump = drift.slice(0, 1000)
    jump[900] = 90
    assert.ok(run(jump).alerts[900], 'the same value as a jump alerts')
  })

  it('does not alert on an integer-valued series taking a value one step past its usual ones', () => {
    const r = noise(7)
    // A queue depth around 10 with ±3 of integer noise; rare draws reach one or two steps further.
    const depth = Array.from({ length: 5000 }, (_, i) =>
      Math.round(10 + 3 * r() + (i % 997 === 0 && i > 500 ? 2 : 0)),
    )
    assert.equal(run(depth).alerts.filter(Boolean).length, 0)
  })

  it('skips NaN without learning it and scores ±Infinity as 1', () => {
    const d = new PointDetector(detectorConfig())
    const s = d.newState(1)
    const out = new DetectorOutput()
    for (let i = 0; i < 400; i++) d.update(s, 0, T0 + i * STEP, 10 + (i % 3), out)
    const before = Float64Array.from(s)
    d.update(s, 0, T0 + 400 * STEP, Number.NaN, out)
    assert.equal(out.score, 0)
    assert.deepEqual(s, before)
    d.update(s, 0, T0 + 401 * STEP, Number.POSITIVE_INFINITY, out)
    assert.equal(out.score, 1)
    assert.deepEqual(s, before)
  })

  it('keeps series independent: interleaving series in one state array gives each its own answer', () => {
    const a = Array.from({ length: 1200 }, (_, i) => 10 + (i % 7))
    const b = Array.from({ length: 1200 }, (_, i) => (i === 900 ? 500 : 100 + (i % 5)))
    const d = new PointDetector(detectorConfig())
    const s = d.newState(2)
    const out = new DetectorOutput()
    const got: number[][] = [[], []]
    for (let i = 0; i < 1200; i++) {
      d.update(s, 0, T0 + i * STEP, a[i]!, out)
      got[0]!.push(out.score)
      d.update(s, d.stride, T0 + i * STEP, b[i]!, out)
      got[1]!.push(out.score)
    }
    assert.deepEqual(got[0], run(a).scores)
    assert.deepEqual(got[1], run(b).scores)
  })
})
