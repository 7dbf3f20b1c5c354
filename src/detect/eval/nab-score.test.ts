import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nabProfiles, scoreNab } from './nab-score.js'

const sigma = (x: number): number => 2 / (1 + Math.exp(5 * x)) - 1
const standard = nabProfiles[0]!

function scores(n: number, hits: Record<number, number>): Float64Array {
  const s = new Float64Array(n)
  for (const [i, v] of Object.entries(hits)) s[Number(i)] = v
  return s
}

describe('NAB scoring', () => {
  it('rewards the earliest detection in a window by its position and charges detections outside', () => {
    // 40 rows: probation 6 rows; one window on rows 20..23.
    const file = {
      name: 'a.csv',
      windows: [[20, 23]] as [number, number][],
      scores: scores(40, { 10: 0.5, 21: 0.9, 22: 0.95 }),
    }
    const [r] = scoreNab([file], [standard], 0.5)
    const tp = sigma(-(23 - 21 + 1) / 4) / sigma(-1) // row 21 is the earliest detection
    assert.ok(Math.abs(r!.raw - (tp - 0.11)) < 1e-12, `raw ${r!.raw}`)
    assert.equal(r!.tp, 2)
    assert.equal(r!.fp, 1)
    assert.equal(r!.detectedWindows, 1)
    assert.ok(Math.abs(r!.normalized - (100 * (tp - 0.11 + 1)) / 2) < 1e-9)
    assert.equal(r!.windowPrecision, 0.5) // two episodes (row 10; rows 21–22), one touches the window
    assert.equal(r!.windowRecall, 1)
  })

  it('charges a detection just after a window little, and one far after it fully', () => {
    const near = scoreNab(
      [{ name: 'a', windows: [[20, 23]], scores: scores(60, { 21: 1, 24: 1 }) }],
      [standard],
      1,
    )[0]!
    const far = scoreNab(
      [{ name: 'a', windows: [[20, 23]], scores: scores(60, { 21: 1, 40: 1 }) }],
      [standard],
      1,
    )[0]!
    const tp = sigma(-3 / 4) / sigma(-1)
    assert.ok(Math.abs(near.raw - (tp + 0.11 * sigma(1 / 3))) < 1e-12)
    assert.ok(Math.abs(far.raw - (tp - 0.11)) < 1e-12)
  })

  it('sweeps thresholds and keeps the best (ties to the higher), ignoring probation', () => {
    // A high score in probation (row 2) must not count; 0.8 in the window is the best threshold;
    // lowering to 0.3 adds two false positives.
    const file = {
      name: 'a',
      windows: [[20, 23]] as [number, number][],
      scores: scores(40, { 2: 1, 20: 0.8, 30: 0.3, 35: 0.3 }),
    }
    const [r] = scoreNab([file], [standard])
    assert.equal(r!.threshold, 0.8)
    assert.equal(r!.fp, 0)
    assert.ok(Math.abs(r!.raw - 1) < 1e-12)
    assert.equal(r!.normalized, 100)
  })

  it('scores a missed window as −fnWeight and nothing detected as 0', () => {
    const [std, , lowFn] = scoreNab(
      [{ name: 'a', windows: [[20, 23]], scores: new Float64Array(40) }],
      nabProfiles,
      0.5,
    )
    assert.equal(std!.raw, -1)
    assert.equal(std!.normalized, 0)
    assert.equal(lowFn!.raw, -2)
  })
})
