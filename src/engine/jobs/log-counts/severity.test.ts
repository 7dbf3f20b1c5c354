import assert from 'node:assert/strict'
import { test } from 'node:test'
import { severityBucket } from './severity.js'

test('the severity number decides by OTLP range', () => {
  const expected = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']
  for (let n = 1; n <= 24; n++)
    assert.equal(severityBucket(n, 'ignored'), expected[Math.floor((n - 1) / 4)], `${n}`)
})

test('without a number the text decides, case-insensitively; anything else is UNSPECIFIED', () => {
  const cases: [string, string][] = [
    ['TRACE', 'TRACE'],
    ['debug', 'DEBUG'],
    ['Info', 'INFO'],
    ['notice', 'INFO'],
    ['WARN2', 'WARN'],
    ['warning', 'WARN'],
    ['err', 'ERROR'],
    [' ERROR ', 'ERROR'],
    ['CRITICAL', 'FATAL'],
    ['panic', 'FATAL'],
    ['', 'UNSPECIFIED'],
    ['verbose-ish', 'UNSPECIFIED'],
  ]
  for (const [text, bucket] of cases) assert.equal(severityBucket(0, text), bucket, text)
  assert.equal(severityBucket(25, 'warn'), 'WARN', 'an out-of-range number falls back to the text')
})
