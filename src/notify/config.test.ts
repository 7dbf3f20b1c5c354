import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ZodError } from 'zod'
import {
  DEFAULT_INITIAL_BACKOFF_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_QUEUE_SIZE,
  DEFAULT_TIMEOUT_MS,
  createDefaultNotifyConfig,
  parseNotifyConfig,
  retryPolicy,
} from './config.js'

function rejects(input: unknown, pathPart: string, message: RegExp): void {
  assert.throws(
    () => parseNotifyConfig(input),
    (err: unknown) => {
      assert.ok(err instanceof ZodError)
      const issue = err.issues.find((i) => i.path.map(String).includes(pathPart))
      assert.ok(issue, `no issue at ${pathPart}: ${err.message}`)
      assert.match(issue.message, message)
      return true
    },
  )
}

describe('notify config', () => {
  it('has valid defaults that round-trip unchanged', () => {
    assert.deepEqual(parseNotifyConfig(createDefaultNotifyConfig()), createDefaultNotifyConfig())
  })

  it('fills every receiver default and reads durations', () => {
    const config = parseNotifyConfig({
      receivers: [
        { kind: 'webhook', name: 'ops', url: 'https://hooks.example.com/vigil' },
        {
          kind: 'alertmanager',
          name: 'am',
          url: 'http://alertmanager:9093',
          timeout: '2s',
          retry: { maxAttempts: 3, maxBackoff: '1m' },
          auth: { kind: 'basic', username: 'vigil', password: 's3cret' },
          tenants: ['acme'],
        },
      ],
    })
    assert.deepEqual(config.receivers[0], {
      kind: 'webhook',
      name: 'ops',
      url: 'https://hooks.example.com/vigil',
      tenants: null,
      auth: null,
      timeout: DEFAULT_TIMEOUT_MS,
      retry: {
        maxAttempts: DEFAULT_MAX_ATTEMPTS,
        initialBackoff: DEFAULT_INITIAL_BACKOFF_MS,
        maxBackoff: DEFAULT_MAX_BACKOFF_MS,
        maxRetryAfter: DEFAULT_MAX_RETRY_AFTER_MS,
      },
      queueSize: DEFAULT_QUEUE_SIZE,
      maxAlerts: 0,
    })
    const am = config.receivers[1]!
    assert.equal(am.timeout, 2_000)
    assert.deepEqual(retryPolicy(am), {
      maxAttempts: 3,
      initialBackoffMs: DEFAULT_INITIAL_BACKOFF_MS,
      maxBackoffMs: 60_000,
      maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
    })
    assert.deepEqual(am.auth, { kind: 'basic', username: 'vigil', password: 's3cret' })
  })

  it('rejects duplicate receiver names', () => {
    const r = { kind: 'webhook', name: 'ops', url: 'http://a/' }
    rejects({ receivers: [r, r] }, 'name', /duplicate receiver name "ops"/)
  })

  it('rejects a URL that is not http(s)', () => {
    rejects({ receivers: [{ kind: 'webhook', name: 'x', url: 'ftp://a/' }] }, 'url', /URL/i)
  })

  it('rejects maxBackoff below initialBackoff', () => {
    const retry = { initialBackoff: '10s', maxBackoff: '1s' }
    rejects(
      { receivers: [{ kind: 'webhook', name: 'x', url: 'http://a/', retry }] },
      'maxBackoff',
      /at least/,
    )
  })

  it('rejects unknown keys, unknown kinds and maxAlerts on an Alertmanager', () => {
    rejects(
      { receivers: [{ kind: 'webhook', name: 'x', url: 'http://a/', max_alerts: 1 }] },
      '0',
      /max_alerts/,
    )
    rejects({ receivers: [{ kind: 'slack', name: 'x', url: 'http://a/' }] }, 'kind', /./)
    rejects(
      { receivers: [{ kind: 'alertmanager', name: 'x', url: 'http://a/', maxAlerts: 1 }] },
      '0',
      /maxAlerts/,
    )
  })

  it('rejects a bearer token that cannot be a header value', () => {
    const auth = { kind: 'bearer', token: 'abc\ndef' }
    rejects({ receivers: [{ kind: 'webhook', name: 'x', url: 'http://a/', auth }] }, 'token', /printable/)
  })

  it('rejects a zero queue, zero attempts and a bad receiver name', () => {
    rejects({ receivers: [{ kind: 'webhook', name: 'x', url: 'http://a/', queueSize: 0 }] }, 'queueSize', /./)
    const retry = { maxAttempts: 0 }
    rejects({ receivers: [{ kind: 'webhook', name: 'x', url: 'http://a/', retry }] }, 'maxAttempts', /./)
    rejects({ receivers: [{ kind: 'webhook', name: 'a b', url: 'http://a/' }] }, 'name', /letters/)
  })
})
