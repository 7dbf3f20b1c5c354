import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SeriesLimiter } from './series-limiter.js'

const s = (name: string): number => name.charCodeAt(0)
const h = (...names: string[]): Float64Array => Float64Array.from(names, s)

test('admits up to the limit; known series keep flowing, new ones are refused', () => {
  const l = new SeriesLimiter(2, 1_000, 0)
  const admitted = new Uint8Array(3)
  assert.equal(l.admit(h('a', 'b', 'c'), 0, admitted), 1)
  assert.deepEqual([...admitted], [1, 1, 0])
  assert.equal(l.admit(h('c', 'a'), 10, admitted), 1)
  assert.deepEqual([...admitted.subarray(0, 2)], [0, 1])
  assert.equal(l.activeSeries, 2)
})

test('series unseen for two periods stop counting; series seen in between stay', () => {
  const l = new SeriesLimiter(2, 1_000, 0)
  const admitted = new Uint8Array(2)
  l.admit(h('a', 'b'), 0, admitted)
  l.admit(h('a'), 1_000, admitted) // rotation: a moves to current, b stays in previous
  assert.equal(l.activeSeries, 2)
  assert.equal(l.admit(h('c'), 1_500, admitted), 1, 'b still counts within its grace period')
  l.admit(h('a'), 2_000, admitted) // rotation: b is forgotten
  assert.equal(l.activeSeries, 1)
  assert.equal(l.admit(h('c'), 2_001, admitted), 0)
  assert.equal(l.activeSeries, 2)
  assert.equal(l.admit(h('z'), 9_000, admitted), 0, 'after a long silence everything is forgotten')
  assert.equal(l.activeSeries, 1)
})
