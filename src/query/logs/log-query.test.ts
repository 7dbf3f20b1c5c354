import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QueryParamError } from '../sql/query-error.js'
import { encodeLogCursor } from './log-cursor.js'
import { parseLogQuery } from './log-query.js'

const NOW = 1_700_000_000_000
const parse = (qs: string) => parseLogQuery(new URLSearchParams(qs), NOW)

function rejects(qs: string, param: string, pattern: RegExp): void {
  assert.throws(
    () => parse(qs),
    (err: unknown) => {
      assert.ok(err instanceof QueryParamError, `${qs}: ${String(err)}`)
      assert.equal(err.status, 400)
      assert.equal(err.param, param)
      assert.match(err.message, pattern)
      assert.ok(err.message.startsWith(`${param}: `), err.message)
      return true
    },
  )
}

test('defaults: the last hour, newest first, 100 rows, no filters', () => {
  assert.deepEqual(parse(''), {
    startNs: 1_699_996_400_000_000_000n,
    endNs: 1_700_000_000_000_000_000n,
    services: [],
    attrs: [],
    limit: 100,
    direction: 'backward',
  })
})

test('every parameter parses', () => {
  const cursor = encodeLogCursor({
    direction: 'forward',
    timeMs: 5n,
    timeNanos: 6,
    partition: 1,
    offset: 2n,
    rowIndex: 3,
  })
  const q = parse(
    'start=1699990000&end=2023-11-14T22:13:20Z&service=api&service=db&severity=WARN' +
      '&attr=http.method%3DGET&attr=code!%3D200&attr=path%3D~%2Fapi%2F.*&attr=resource.host.name!~h%5B0-9%5D' +
      '&contains=boom&regex=time(out)%3F&trace_id=0AF7651916CD43DD8448EB211C80319C&template=-42&limit=1000' +
      `&direction=forward&cursor=${cursor}`,
  )
  assert.deepEqual(q, {
    startNs: 1_699_990_000_000_000_000n,
    endNs: 1_700_000_000_000_000_000n,
    services: ['api', 'db'],
    minSeverity: 13,
    attrs: [
      { on: 'attributes', key: 'http.method', op: '=', value: 'GET' },
      { on: 'attributes', key: 'code', op: '!=', value: '200' },
      { on: 'attributes', key: 'path', op: '=~', value: '/api/.*' },
      { on: 'resource', key: 'host.name', op: '!~', value: 'h[0-9]' },
    ],
    contains: 'boom',
    regex: 'time(out)?',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    templateId: -42n,
    limit: 1000,
    cursor: { direction: 'forward', timeMs: 5n, timeNanos: 6, partition: 1, offset: 2n, rowIndex: 3 },
    direction: 'forward',
  })
  assert.equal(parse('severity=24').minSeverity, 24)
  assert.equal(parse('severity=fatal').minSeverity, 21)
  assert.deepEqual(parse('attr=k%3D').attrs, [{ on: 'attributes', key: 'k', op: '=', value: '' }])
  assert.deepEqual(parse('attr=a%3Db%3Dc').attrs, [{ on: 'attributes', key: 'a', op: '=', value: 'b=c' }])
})

test('bad parameters are 400s that name the parameter and the problem', () => {
  rejects('limit=1001', 'limit', /1001 is above the maximum of 1000/)
  rejects('limit=0', 'limit', /at least 1/)
  rejects('limit=ten', 'limit', /"ten" is not a positive integer/)
  rejects('limit=1&limit=2', 'limit', /given 2 times/)
  rejects(
    'severity=25',
    'severity',
    /"25" is not a severity: give a number from 1 to 24 or one of trace, debug/,
  )
  rejects('severity=0', 'severity', /not a severity/)
  rejects('severity=verbose', 'severity', /not a severity/)
  rejects('attr=http.method', 'attr', /"http.method" is not a matcher: expected key=value/)
  rejects('attr=%3Dvalue', 'attr', /not a matcher/)
  rejects('attr=', 'attr', /empty value/)
  rejects('service=api&service=', 'service', /empty value/)
  rejects('contains=', 'contains', /is empty/)
  rejects('trace_id=abc', 'trace_id', /"abc" is not a trace id: expected 32 hexadecimal characters/)
  rejects('template=x1', 'template', /"x1" is not a template id/)
  rejects('template=9223372036854775808', 'template', /not a template id/)
  rejects('direction=up', 'direction', /"up" is neither backward nor forward/)
  rejects('cursor=not-a-cursor', 'cursor', /not a cursor returned by this API/)
  rejects('cursor=%2B%2F', 'cursor', /not a cursor/)
  rejects('start=tomorrow', 'start', /not a time/)
  rejects('start=1700000001&end=1700000000', 'start', /after end/)
  const backward = encodeLogCursor({
    direction: 'backward',
    timeMs: 1n,
    timeNanos: 0,
    partition: 0,
    offset: 0n,
    rowIndex: 0,
  })
  rejects(`direction=forward&cursor=${backward}`, 'cursor', /returned for direction=backward/)
})
