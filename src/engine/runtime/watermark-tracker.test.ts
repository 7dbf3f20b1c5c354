import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WatermarkTracker } from './watermark-tracker.js'

const settings = { maxOutOfOrdernessMs: 1_000, idleTimeoutMs: 5_000 }

test('the task watermark is the minimum over partitions, trailing by the out-of-orderness bound', () => {
  const w = new WatermarkTracker(settings)
  w.addPartition('a', 0)
  w.addPartition('b', 0)
  w.observe('a', 10_000, 0)
  assert.equal(w.advance(0), undefined, 'b has delivered nothing: no watermark yet')
  w.observe('b', 8_000, 10)
  assert.equal(w.advance(10), 6_999)
  w.observe('b', 20_000, 20)
  assert.equal(w.advance(20), 8_999, 'now a holds it back')
  w.observe('a', 9_000, 30) // out of order: the max does not go back
  assert.equal(w.advance(30), undefined)
  assert.equal(w.watermarkMs, 8_999)
})

test('an idle partition stops holding the watermark back, and counts again with its next record', () => {
  const w = new WatermarkTracker(settings)
  w.observe('a', 10_000, 0)
  w.observe('b', 50_000, 0)
  assert.equal(w.advance(0), 8_999)
  w.observe('b', 60_000, 4_000)
  assert.equal(w.advance(4_999), undefined, 'a is not idle yet')
  assert.equal(w.isIdle('a', 5_000), true)
  assert.equal(w.advance(5_000), 58_999, 'a is idle: b alone decides')
  w.observe('a', 11_000, 6_000)
  assert.equal(w.advance(6_000), undefined, 'a is back, but the watermark never goes back')
  assert.equal(w.watermarkMs, 58_999)
})

test('when every partition is idle the watermark holds', () => {
  const w = new WatermarkTracker(settings)
  w.observe('a', 10_000, 0)
  assert.equal(w.advance(0), 8_999)
  assert.equal(w.advance(100_000), undefined)
  assert.equal(w.watermarkMs, 8_999)
})

test('the watermark state survives a restart', () => {
  const w = new WatermarkTracker(settings)
  w.addPartition('quiet', 0)
  w.observe('a', 10_000, 4_000)
  w.observe('b', 20_000, 4_000)
  assert.equal(w.advance(4_000), undefined, 'quiet has delivered nothing and is not idle yet: it holds')
  assert.equal(w.advance(5_000), 8_999, 'quiet is idle now')
  const restored = new WatermarkTracker(settings)
  restored.importState(w.exportState(), 5_050)
  assert.equal(restored.watermarkMs, 8_999)
  restored.observe('a', 30_000, 5_060)
  assert.equal(restored.advance(5_060), undefined, 'after a restart every partition counts as active again')
  assert.equal(restored.advance(10_050), 28_999, 'until the quiet ones are idle again')
})
