import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { httpRequest } from './http-request.js'
import { WebhookReceiver } from './testing/webhook-receiver.js'

describe('httpRequest', () => {
  let rx: WebhookReceiver
  before(async () => {
    rx = await WebhookReceiver.start()
  })
  after(() => rx.close())

  const base = { method: 'POST', headers: {}, timeoutMs: 5_000, maxBodyBytes: 16 } as const

  it('answers with the status, headers and the body up to maxBodyBytes', async () => {
    rx.script(
      { status: 202, headers: { 'X-Test': 'yes' }, body: 'short' },
      { status: 200, body: 'y'.repeat(100_000) },
    )
    const signal = new AbortController().signal
    const small = await httpRequest({ ...base, url: new URL(rx.url), body: '{}', signal })
    assert.equal(small.kind, 'response')
    assert.equal(small.status, 202)
    assert.equal(small.headers['x-test'], 'yes')
    assert.equal(small.body.toString(), 'short')
    assert.equal(small.isBodyCut, false)
    const big = await httpRequest({ ...base, url: new URL(rx.url), body: '{}', signal })
    assert.equal(big.kind, 'response')
    assert.equal(big.body.toString(), 'y'.repeat(16))
    assert.equal(big.isBodyCut, true)
  })

  it('does not send when the signal is already aborted', async () => {
    const before = rx.requests.length
    const outcome = await httpRequest({ ...base, url: new URL(rx.url), signal: AbortSignal.abort() })
    assert.deepEqual(outcome, {
      kind: 'error',
      code: 'ABORTED',
      message: 'the request was aborted (shutdown)',
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(rx.requests.length, before)
  })

  it('resolves, never throws, when Node refuses a header value', async () => {
    const outcome = await httpRequest({
      ...base,
      url: new URL(rx.url),
      headers: { 'Idempotency-Key': 'a\nb' },
      signal: new AbortController().signal,
    })
    assert.equal(outcome.kind, 'error')
    assert.equal(outcome.code, 'ERR_INVALID_CHAR')
  })
})
