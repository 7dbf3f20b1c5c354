import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { PipelineError } from '../core/index.js'
import { formatCommandError } from './report-error.js'
import { UsageError } from './usage-error.js'

const hint = 'Run "vigil --help" for usage.'

test('a user error is one line with its code and no stack', () => {
  const text = formatCommandError(new UsageError('bad flag\n  value'), hint)
  assert.equal(text, 'vigil: bad flag value (INVALID_ARGUMENT)\n')
})

test('a user error found on the cause chain is reported as such', () => {
  const inner = new PipelineError('The dir is locked.', { code: 'LOCKED', domain: 'user', retryable: false })
  const text = formatCommandError(new Error('wrapper', { cause: inner }), hint)
  assert.equal(text, 'vigil: The dir is locked. (LOCKED)\n')
})

test('a parser error points at --help', () => {
  const err = new Error('Unknown option `--nope`')
  err.name = 'CACError'
  assert.equal(formatCommandError(err, hint), `vigil: Unknown option \`--nope\`. ${hint}\n`)
})

test('a zod error lists every issue on one line', () => {
  const err = new z.ZodError([
    { code: 'custom', path: ['api', 'port'], message: 'Too big', input: 1 },
    { code: 'custom', path: [], message: 'Bad', input: 1 },
  ])
  assert.equal(
    formatCommandError(err, hint),
    'vigil: invalid configuration: api.port: Too big; config: Bad\n',
  )
})

test('anything else keeps its stack trace', () => {
  const text = formatCommandError(new TypeError('x is undefined'), hint)
  assert.match(text, /^vigil: unexpected error: TypeError: x is undefined\n\s+at /)
  const internal = new PipelineError('broken', { code: 'CORRUPT', domain: 'internal', retryable: false })
  assert.match(
    formatCommandError(internal, hint),
    /^vigil: unexpected error \(CORRUPT, internal\): PipelineError: broken/,
  )
})
