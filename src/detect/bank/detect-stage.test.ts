import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AnomalyRow, ResultRow } from '../../core/batch/index.js'
import { detectorConfig } from '../detector-config.js'
import { DetectStage } from './detect-stage.js'

const W = 10_000
const settings = {
  detector: detectorConfig(),
  windowMs: W,
  minScore: 0.5,
  maxSeries: 1000,
  idleTtlMs: 3_600_000,
}

function row(key: string, i: number, v: number, extra: Partial<ResultRow> = {}): ResultRow {
  return {
    tenant: 'acme',
    key,
    windowMs: W,
    windowStart: i * W,
    windowEnd: (i + 1) * W,
    revision: 1,
    final: true,
    count: 10,
    sum: v * 10,
    min: v,
    max: v,
    last: v,
    mean: v,
    p50: v,
    p90: v,
    p99: v,
    errors: 0,
    ...extra,
  }
}

const cpu = '__name__\u0000cpu\u0000host\u0000a'
const requests = '__name__\u0000http_requests_total\u0000host\u0000a'

function feed(
  stage: DetectStage,
  from: number,
  to: number,
  value: (i: number) => number,
  key = cpu,
): AnomalyRow[] {
  const out: AnomalyRow[] = []
  const counts = { scored: 0, emitted: 0, refused: 0 }
  for (let i = from; i < to; i++) stage.process([row(key, i, value(i))], 1_000_000 + i, out, counts)
  return out
}

const gauge = (i: number): number => (i === 1500 ? 400 : 50 + (i % 7))

describe('DetectStage', () => {
  it('emits one anomaly, with its evidence, for a spike in a series mean', () => {
    const stage = new DetectStage('rollups', settings)
    const out = feed(stage, 0, 2000, gauge)
    const alerts = out.filter((a) => a.alert)
    assert.equal(alerts.length, 1)
    const a = alerts[0]!
    assert.equal(a.timeMs, 1501 * W)
    assert.equal(a.value, 400)
    assert.equal(a.feature, 'mean')
    assert.equal(a.source, 'rollups')
    assert.equal(a.detectedAtMs, 1_001_500)
    assert.ok(a.novelty > 0.9)
  })

  it('scores counters on their increase per window, through a reset', () => {
    const stage = new DetectStage('rollups', settings)
    // 100 per window; a reset at 1000; a burst of 5,000 at 1500.
    let total = 0
    const values: number[] = []
    for (let i = 0; i < 2000; i++) {
      total = i === 1000 ? 100 : total + (i === 1500 ? 5000 : 100 + (i % 5))
      values.push(total)
    }
    const out = feed(stage, 0, 2000, (i) => values[i]!, requests)
    const alerts = out.filter((a) => a.alert)
    assert.deepEqual(
      alerts.map((a) => [a.timeMs / W - 1, a.feature, a.value]),
      [[1500, 'increase', 5000]],
    )
  })

  it('scores a window once: a later revision of it is ignored, non-final and other sizes too', () => {
    const stage = new DetectStage('rollups', settings)
    feed(stage, 0, 600, gauge)
    const out: AnomalyRow[] = []
    const counts = { scored: 0, emitted: 0, refused: 0 }
    stage.process(
      [
        row(cpu, 599, 9999, { revision: 2 }),
        row(cpu, 600, 9999, { final: false }),
        row(cpu, 600, 9999, { windowMs: 60_000 }),
      ],
      0,
      out,
      counts,
    )
    assert.equal(counts.scored, 0)
    assert.equal(out.length, 0)
  })

  it('after a restore from its checkpoint chain, continues exactly as an uninterrupted run', () => {
    const whole = new DetectStage('rollups', settings)
    const expected = feed(whole, 0, 2000, gauge)
    const first = new DetectStage('rollups', settings)
    const chain: Uint8Array[] = []
    const got = [...feed(first, 0, 700, gauge)]
    chain.push(first.bank.snapshot(true))
    got.push(...feed(first, 700, 900, gauge))
    chain.push(first.bank.snapshot(false))
    const second = new DetectStage('rollups', settings)
    second.bank.restore(chain)
    got.push(...feed(second, 900, 2000, gauge))
    assert.deepEqual(got, expected)
  })

  it('refuses series past maxSeries and counts them', () => {
    const stage = new DetectStage('rollups', { ...settings, maxSeries: 2 })
    const counts = { scored: 0, emitted: 0, refused: 0 }
    const rows = ['a', 'b', 'c'].map((h) => row(`__name__\u0000cpu\u0000host\u0000${h}`, 0, 1))
    stage.process(rows, 0, [], counts)
    assert.deepEqual(counts, { scored: 2, emitted: 0, refused: 1 })
  })

  it('derives rate, error ratio and p99 latency from RED results', () => {
    const stage = new DetectStage('red', settings)
    const out: AnomalyRow[] = []
    const counts = { scored: 0, emitted: 0, refused: 0 }
    stage.process([row('checkout\u0000POST /pay', 0, 20, { count: 50, errors: 5 })], 0, out, counts)
    assert.equal(counts.scored, 3)
  })
})
