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

  test('store retention: durations per table and tenant over the defaults; bad ones named by path', () => {
    const config = parseAllInOneConfig({
      store: {
        retention: {
          default: '90d',
          tables: { samples: '2d' },
          tenants: { acme: { tables: { logs: '1d' } } },
        },
      },
    })
    assert.equal(config.store.retention.default, 90 * 86_400_000)
    assert.deepEqual(config.store.retention.tables, {
      ...createDefaultAllInOneConfig().store.retention.tables,
      samples: 2 * 86_400_000,
    })
    assert.deepEqual(config.store.retention.tenants, { acme: { tables: { logs: 86_400_000 } } })
    assert.deepEqual(
      issuePaths(() =>
        parseAllInOneConfig({
          store: {
            retention: { default: '10m', tables: { 'Bad-Name': '1d' }, tenants: { acme: { keep: '1d' } } },
            raw: { metrics: 'yes' },
          },
        }),
      ),
      [
        'store.raw.metrics',
        'store.retention.default',
        'store.retention.tables.Bad-Name',
        'store.retention.tenants.acme',
      ],
    )
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
