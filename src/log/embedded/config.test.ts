import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createDefaultEmbeddedLogConfig, embeddedLogConfigSchema, parseEmbeddedLogConfig } from './config.js'

test('the defaults are valid and round-trip unchanged', () => {
  const defaults = createDefaultEmbeddedLogConfig('/data')
  assert.deepEqual(embeddedLogConfigSchema.parse(defaults), defaults)
  assert.equal(defaults.fsync, 'interval')
})

test('user settings go over the defaults', () => {
  const config = parseEmbeddedLogConfig({ dataDir: '/d', fsync: 'always', segmentBytes: 4096 })
  assert.equal(config.fsync, 'always')
  assert.equal(config.segmentBytes, 4096)
  assert.equal(config.fsyncIntervalMs, createDefaultEmbeddedLogConfig('/d').fsyncIntervalMs)
})

test('each rule rejects, and unknown keys are errors', () => {
  for (const bad of [
    { fsync: 'sometimes' },
    { fsyncIntervalMs: 0 },
    { segmentBytes: 10 },
    { indexIntervalBytes: 1 },
    { maxBatchBytes: 10 },
    { dataDir: '' },
    { fsyncIntervalMs: 1.5 },
    { unknownKey: 1 },
  ]) {
    assert.throws(() => parseEmbeddedLogConfig({ dataDir: '/d', ...bad }), Error, JSON.stringify(bad))
  }
})
