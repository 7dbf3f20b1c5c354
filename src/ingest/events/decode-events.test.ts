import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { EventsDecoder } from './events-decoder.js'
import { isValidStreamName } from './stream-name.js'

const events = new EventsDecoder()
const NOW = 1_714_564_800_000

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  return res
}

function ndjson(...lines: string[]): Uint8Array {
  return new TextEncoder().encode(lines.join('\n'))
}

test('lines become rows: flattened fields, time, service', () => {
  const body = ndjson(
    JSON.stringify({
      type: 'order',
      service: 'checkout',
      time: '2024-05-01T12:00:00.250Z',
      user: { id: 7, address: { city: 'Zürich' } },
      tags: ['a', { b: 1 }],
      ok: true,
      none: null,
      ratio: 0.5,
      empty: {},
      'a.b': 1,
      a: { b: 2 },
    }),
    '',
    '  \t',
    '{"n": 1}',
  )
  const res = ok(events.decode(body, 'acme', 'orders.v1', NOW))
  assert.equal(res.accepted, 2)
  assert.equal(res.rejected, 0)
  assert.deepEqual(res.batch, {
    kind: 'events',
    tenant: 'acme',
    stream: 'orders.v1',
    rows: [
      {
        timeMs: Date.UTC(2024, 4, 1, 12, 0, 0, 250),
        service: 'checkout',
        fields: [
          'type',
          'order',
          'service',
          'checkout',
          'time',
          '2024-05-01T12:00:00.250Z',
          'user.id',
          '7',
          'user.address.city',
          'Zürich',
          'tags',
          '["a",{"b":1}]',
          'ok',
          'true',
          'none',
          'null',
          'ratio',
          '0.5',
          'empty',
          '{}',
          'a.b',
          '2',
        ],
      },
      { timeMs: NOW, service: '', fields: ['n', '1'] },
    ],
  })
})

test('\\r\\n line ends, a final newline, a BOM and an empty body are fine', () => {
  const body = new Uint8Array([0xef, 0xbb, 0xbf, ...ndjson('{"a":1}\r', '{"service":5}\r', '\r', '')])
  const res = ok(events.decode(body, 't', 's', NOW))
  assert.deepEqual(
    res.batch.rows.map((r) => [r.service, r.fields]),
    [
      ['', ['a', '1']],
      ['5', ['service', '5']],
    ],
  )
  assert.equal(ok(events.decode(new Uint8Array(0), 't', 's', NOW)).accepted, 0)
})

test('bad lines are rejected with reason, line number and bytes; the rest flows', () => {
  const deep = (n: number): unknown => (n === 0 ? 1 : { d: deep(n - 1) })
  const deepArray = (n: number): unknown => (n === 0 ? 1 : [deepArray(n - 1)])
  const lines = [
    '{"ok":1}',
    '{"broken":',
    '[1,2]',
    '"text"',
    'null',
    `{"x":"${'y'.repeat(100)}"}`,
    JSON.stringify(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, i]))),
    JSON.stringify({ [`k${'é'.repeat(10)}`]: 1 }), // 21 bytes
    JSON.stringify({ v: 'é'.repeat(13) }), // 26 bytes
    JSON.stringify(deep(5)), // 5 objects
    JSON.stringify({ a: deepArray(4) }), // an object and 4 arrays
    JSON.stringify({ time: 'not a time' }),
    JSON.stringify(Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`f${i}`, i]))),
    JSON.stringify(deep(4)),
    JSON.stringify({ a: deepArray(3) }),
    JSON.stringify({ [`k${'é'.repeat(9)}`]: 'é'.repeat(12) }),
  ]
  const body = new Uint8Array([...ndjson(...lines), 0x0a, 0xff, 0xfe, 0x0a, ...ndjson('{"last":true}')])
  const strict = new EventsDecoder({
    limits: { maxLineBytes: 80, maxFields: 4, maxKeyLength: 20, maxValueLength: 25, maxDepth: 4 },
  })
  const res = ok(strict.decode(body, 't', 's', NOW))
  assert.equal(res.accepted, 6)
  assert.deepEqual(
    res.rejects.map((r) => [r.line, r.reason]),
    [
      [2, 'invalid_json'],
      [3, 'not_an_object'],
      [4, 'not_an_object'],
      [5, 'not_an_object'],
      [6, 'line_too_long'],
      [7, 'too_many_fields'],
      [8, 'key_too_long'],
      [9, 'value_too_long'],
      [10, 'too_deep'],
      [11, 'too_deep'],
      [12, 'invalid_time'],
      [17, 'invalid_utf8'],
    ],
  )
  const text = (b: Uint8Array): string => new TextDecoder().decode(b)
  res.rejects.slice(0, 11).forEach((r) => assert.equal(text(r.payload), lines[r.line - 1]))
  assert.deepEqual(Uint8Array.from(res.rejects[11]!.payload), new Uint8Array([0xff, 0xfe]))
  assert.equal(res.rejected, 12)
  assert.equal(
    Object.values(res.rejectReasons).reduce((a, n) => a + n, 0),
    12,
  )
  assert.equal(res.rejectReasons.not_an_object, 3)
})

test('reject payloads are copies of the body', () => {
  const body = Buffer.from('nope\n{"a":1}')
  const res = ok(events.decode(body, 't', 's', NOW))
  body.fill(0x20)
  assert.equal(new TextDecoder().decode(res.rejects[0]!.payload), 'nope')
})

test('stream names are validated for the server and by decode', () => {
  for (const good of ['orders', 'a', 'Orders.v1_x-2', 'x'.repeat(128)])
    assert.ok(isValidStreamName(good), good)
  for (const bad of ['', 'a/b', 'x'.repeat(129), 'ünï', 'a b', '../x'])
    assert.ok(!isValidStreamName(bad), bad)
  const res = events.decode(ndjson('{}'), 't', 'a/b', NOW)
  assert.deepEqual(res, {
    ok: false,
    reason: 'invalid stream name "a/b": expected 1-128 characters of [a-zA-Z0-9_.-]',
  })
})
