import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { z } from 'zod'
import { errorCode } from '../../core/index.js'
import { parseAllInOneConfig } from '../../pipeline/index.js'
import { configInputFromFlags, describeConfigError, optionKey, startFlags } from './start-flags.js'

describe('start flags', () => {
  test('option keys are the camelCase names cac produces', () => {
    assert.deepEqual(
      startFlags.map((f) => optionKey(f.rawName)),
      ['dataDir', 'ingestPort', 'apiPort', 'host', 'auth', 'fsync', 'fsyncIntervalMs'],
    )
    assert.equal(optionKey('-p, --api-port <port>'), 'apiPort')
  })

  test('only the flags given appear in the config input', () => {
    assert.deepEqual(configInputFromFlags({ '--': [] }), {})
    assert.deepEqual(
      configInputFromFlags({
        dataDir: 123,
        apiPort: 9090,
        host: '0.0.0.0',
        fsync: 'none',
        fsyncIntervalMs: '20',
        ingestPort: 4319,
        auth: 'keys',
      }),
      {
        log: { dataDir: '123', fsync: 'none', fsyncIntervalMs: 20 },
        api: { port: 9090, host: '0.0.0.0' },
        ingest: { port: 4319, host: '0.0.0.0' },
        auth: { mode: 'keys' },
      },
    )
  })

  test('malformed values are usage errors naming every flag', () => {
    assert.throws(
      () => configInputFromFlags({ apiPort: 'abc', dataDir: ['a', 'b'] }),
      (err: unknown) => {
        assert.equal(errorCode(err), 'INVALID_ARGUMENT')
        const message = (err as Error).message
        assert.match(message, /--data-dir: given more than once/)
        assert.match(message, /--api-port: expected an integer, got "abc"/)
        return true
      },
    )
  })

  test('validation errors name the flag and the value given', () => {
    const input = configInputFromFlags({ apiPort: 70_000, fsync: 'sometimes' })
    let error: unknown
    try {
      parseAllInOneConfig(input)
    } catch (err) {
      error = err
    }
    assert.ok(error instanceof z.ZodError)
    const line = describeConfigError(error, input)
    assert.doesNotMatch(line, /\n/)
    assert.match(line, /^invalid configuration: /)
    assert.match(line, /--api-port 70000: /)
    assert.match(line, /--fsync "sometimes": .*"always"/)
  })

  test('a field no flag sets is named by its config path', () => {
    const error = new z.ZodError([
      { code: 'custom', path: ['log', 'segmentBytes'], message: 'Too small', input: 1 },
    ])
    assert.equal(describeConfigError(error, {}), 'invalid configuration: config log.segmentBytes: Too small')
  })
})
