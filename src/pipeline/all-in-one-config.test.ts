import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import {
  allInOneConfigSchema,
  createDefaultAllInOneConfig,
  DEFAULT_DATA_DIR,
  parseAllInOneConfig,
} from './all-in-one-config.js'

function issuePaths(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof z.ZodError, String(err))
    return err.issues.map((i) => i.path.join('.'))
  }
  assert.fail('expected a ZodError')
}

describe('all-in-one config', () => {
  test('the defaults are valid and round-trip unchanged', () => {
    const defaults = createDefaultAllInOneConfig()
    assert.deepEqual(allInOneConfigSchema.parse(defaults), defaults)
    assert.deepEqual(parseAllInOneConfig({}), defaults)
    assert.equal(defaults.log.dataDir, DEFAULT_DATA_DIR)
    assert.deepEqual(defaults.api, { host: '127.0.0.1', port: 8080 })
    assert.equal(defaults.log.fsync, 'interval')
  })

  test('user input goes over the defaults field by field', () => {
    const config = parseAllInOneConfig({ api: { port: 9090 }, log: { dataDir: '/tmp/v', fsync: 'always' } })
    assert.deepEqual(config.api, { host: '127.0.0.1', port: 9090 })
    assert.equal(config.log.dataDir, '/tmp/v')
    assert.equal(config.log.fsync, 'always')
    assert.equal(config.log.fsyncIntervalMs, createDefaultAllInOneConfig().log.fsyncIntervalMs)
  })

  test('each rule rejects, and every problem is reported at once', () => {
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: { port: 70_000 } })),
      ['api.port'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: { port: 1.5 } })),
      ['api.port'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: { host: '' } })),
      ['api.host'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ log: { fsync: 'sometimes' } })),
      ['log.fsync'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ log: { dataDir: '' } })),
      ['log.dataDir'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: { port: -1 }, log: { fsyncIntervalMs: 0 } })).sort(),
      ['api.port', 'log.fsyncIntervalMs'],
    )
  })

  test('unknown sections and keys are errors, not ignored', () => {
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ apii: {} })),
      [''],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: { prot: 1 } })),
      ['api'],
    )
    assert.deepEqual(
      issuePaths(() => parseAllInOneConfig({ api: 'x' })),
      ['api'],
    )
  })
})
