import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalLabels, labelOf, labelSetString, labelsFromFlat } from './alert-labels.js'
import { stateChangedAtMs } from './alert.js'
import { makeAlert, resolved } from './testing/make-alert.js'

test('canonical labels: sorted own properties, empty values dropped, later pairs win', () => {
  const l = canonicalLabels([
    ['zone', 'b'],
    ['app', 'x'],
    ['empty', ''],
    ['zone', 'a'],
    ['__proto__', 'p'],
  ])
  assert.deepEqual(Object.keys(l), ['__proto__', 'app', 'zone'])
  assert.equal(labelOf(l, '__proto__'), 'p', 'an own property, not the prototype')
  assert.equal(Object.getPrototypeOf(l), Object.prototype)
  assert.equal(labelOf(l, 'zone'), 'a')
  assert.equal(labelOf({}, 'constructor'), '', 'inherited properties are no labels')
  assert.equal(JSON.stringify(l), '{"__proto__":"p","app":"x","zone":"a"}')
})

test('flat series labels and Go-style label set strings', () => {
  assert.deepEqual(labelsFromFlat(['__name__', 'up', 'job', 'api']), { __name__: 'up', job: 'api' })
  assert.equal(labelSetString({ b: 'x"y', a: '1' }), '{a="1", b="x\\"y"}')
})

test('the last state change is activation, firing or resolution', () => {
  const a = makeAlert({ alertname: 'X' }, { activeAtMs: 1, firedAtMs: 5 })
  assert.equal(stateChangedAtMs({ ...a, state: 'pending', firedAtMs: null }), 1)
  assert.equal(stateChangedAtMs(a), 5)
  assert.equal(stateChangedAtMs(resolved(a, 9)), 9)
})
