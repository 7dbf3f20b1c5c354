import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../core/index.js'
import { compileMatcher, matchesAll, parseMatcher, parseMatchers } from './label-matcher.js'

test('the four match types, with anchored RE2 regexes and missing labels as ""', () => {
  const labels = { job: 'api', env: 'prod' }
  const m = (text: string) => matchesAll([compileMatcher(parseMatcher(text))], labels)
  assert.equal(m('job="api"'), true)
  assert.equal(m('job!="api"'), false)
  assert.equal(m('job=~"ap"'), false, 'anchored: a partial match is no match')
  assert.equal(m('job=~"a.i|web"'), true)
  assert.equal(m('job!~"web"'), true)
  assert.equal(m('team=""'), true, 'a missing label matches the empty value')
  assert.equal(m('team!=""'), false)
  assert.equal(m('env=prod'), true, 'unquoted values as Alertmanager accepts them')
})

test('parseMatchers splits on commas outside quotes and unescapes values', () => {
  assert.deepEqual(parseMatchers('{severity="critical", msg=~"a,b\\"c", x!=y}'), [
    { name: 'severity', type: '=', value: 'critical' },
    { name: 'msg', type: '=~', value: 'a,b"c' },
    { name: 'x', type: '!=', value: 'y' },
  ])
  assert.deepEqual(parseMatchers('{}'), [])
})

test('bad matchers are user errors that say what is wrong', () => {
  assert.throws(() => parseMatcher('1abc="x"'), /bad matcher/)
  assert.throws(() => parseMatcher('a="x'), /unterminated/)
  assert.throws(() => parseMatchers('{a="x"'), /missing "}"/)
  assert.throws(
    () => compileMatcher({ name: 'a', type: '=~', value: '(' }),
    (err: unknown) =>
      errorCode(err) === 'ALERT_MATCHER' && /invalid regular expression "\("/.test(String(err)),
  )
})
