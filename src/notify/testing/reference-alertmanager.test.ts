import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { skipReason } from './reference-alertmanager.js'

describe('skipping the Alertmanager tests', () => {
  it('skips only when the binary is missing and VIGIL_SKIP_ALERTMANAGER=1 outside CI', () => {
    assert.match(skipReason({ VIGIL_SKIP_ALERTMANAGER: '1' }, false) ?? '', /alertmanager\.mjs ensure/)
    assert.equal(skipReason({ VIGIL_SKIP_ALERTMANAGER: '1', CI: 'true' }, false), undefined)
    assert.equal(skipReason({}, false), undefined) // missing and not skipped: start() fails loudly
    assert.equal(skipReason({ VIGIL_SKIP_ALERTMANAGER: '1' }, true), undefined)
  })
})
