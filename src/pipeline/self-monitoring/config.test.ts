import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ZodError } from 'zod'
import { isValidTenant } from '../../auth/index.js'
import {
  DEFAULT_SELF_TENANT,
  createDefaultSelfMonitoringConfig,
  parseSelfMonitoringConfig,
  selfMonitoringConfigSchema,
} from './config.js'

function rejects(input: unknown, key: string, message: RegExp): void {
  assert.throws(
    () => parseSelfMonitoringConfig(input),
    (err: unknown) => {
      assert.ok(err instanceof ZodError)
      const issue = err.issues.find((i) => i.path.map(String).includes(key))
      assert.ok(issue, `no issue at ${key}: ${err.message}`)
      assert.match(issue.message, message)
      return true
    },
  )
}

describe('selfMonitoring config', () => {
  test('the defaults are valid and round-trip unchanged', () => {
    const defaults = createDefaultSelfMonitoringConfig()
    assert.deepEqual(defaults, {
      enabled: true,
      interval: 10_000,
      tenant: 'vigil-self',
      maxSeries: 5_000,
      instance: null,
    })
    assert.deepEqual(selfMonitoringConfigSchema.parse(defaults), defaults)
    assert.deepEqual(parseSelfMonitoringConfig(), defaults)
    assert.ok(isValidTenant(DEFAULT_SELF_TENANT))
  })

  test('reads durations as other sections do and keeps what is set', () => {
    assert.deepEqual(
      parseSelfMonitoringConfig({ interval: '30s', tenant: 'ops.self', maxSeries: 100, instance: 'vigil-0' }),
      { enabled: true, interval: 30_000, tenant: 'ops.self', maxSeries: 100, instance: 'vigil-0' },
    )
    assert.equal(parseSelfMonitoringConfig({ interval: 2_500 }).interval, 2_500)
    assert.equal(parseSelfMonitoringConfig({ enabled: false }).enabled, false)
  })

  test('each rule rejects', () => {
    rejects({ interval: 'soon' }, 'interval', /expected a duration/)
    rejects({ interval: '500ms' }, 'interval', /at least 1000 ms/)
    rejects({ tenant: 'a/b' }, 'tenant', /tenant id/)
    rejects({ tenant: '' }, 'tenant', /tenant id/)
    rejects({ maxSeries: 0 }, 'maxSeries', /./)
    rejects({ maxSeries: 1.5 }, 'maxSeries', /./)
    rejects({ instance: '' }, 'instance', /./)
    assert.throws(
      () => parseSelfMonitoringConfig({ extra: 1 }),
      (err: unknown) => err instanceof ZodError && err.issues.some((i) => i.code === 'unrecognized_keys'),
    )
    assert.throws(() => parseSelfMonitoringConfig('yes'), ZodError)
  })
})
