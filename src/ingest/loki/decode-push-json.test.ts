import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { LokiPushDecoder } from './loki-push-decoder.js'
import { flatRows } from './testing/log-rows.js'
import { lokiProtoBody } from './testing/push-request-proto.js'

const loki = new LokiPushDecoder()

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  return res
}

function json(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v))
}

test('decodes a JSON push into the same batch as the equivalent protobuf push', () => {
  const body = {
    streams: [
      {
        stream: { job: 'api', env: 'prod', detected_level: 'info' },
        values: [
          ['1700000000123456789', 'first ünïcode ✓'],
          ['1700000001999999999', 'with metadata', { trace_id: 'abc', level: 'error' }],
          ['0', ''],
          ['42', 'tiny'],
        ],
      },
      { stream: { app: 'web' }, values: [['9223372036854775807', 'max int64']] },
      { stream: {}, values: [] },
      {},
    ],
  }
  const res = ok(loki.decodeJson(json(body), 'acme', 7))
  assert.equal(res.accepted, 5)
  assert.equal(res.rejected, 0)
  const fromProto = ok(
    loki.decodeProto(
      lokiProtoBody({
        streams: [
          {
            labels: '{job="api", env="prod", detected_level="info"}',
            entries: [
              { timestamp: { seconds: 1_700_000_000, nanos: 123_456_789 }, line: 'first ünïcode ✓' },
              {
                timestamp: { seconds: 1_700_000_001, nanos: 999_999_999 },
                line: 'with metadata',
                structuredMetadata: [
                  { name: 'trace_id', value: 'abc' },
                  { name: 'level', value: 'error' },
                ],
              },
              { timestamp: { seconds: 0, nanos: 0 }, line: '' },
              { timestamp: { seconds: 0, nanos: 42 }, line: 'tiny' },
            ],
          },
          {
            labels: '{app="web"}',
            entries: [{ timestamp: { seconds: 9_223_372_036, nanos: 854_775_807 }, line: 'max int64' }],
          },
        ],
      }),
      'acme',
      7,
    ),
  )
  assert.deepEqual(res.batch, fromProto.batch)
  assert.deepEqual(flatRows(res.batch)[1], {
    labels: ['detected_level', 'info', 'env', 'prod', 'job', 'api'],
    service: 'api',
    ns: '1700000001999999999',
    line: 'with metadata',
    metadata: ['trace_id', 'abc', 'level', 'error'],
    severity: [17, 'error'],
  })
  assert.equal(res.batch.rows[3]!.timeNanos, 42)
  // A string body works too.
  assert.deepEqual(ok(loki.decodeJson(JSON.stringify(body), 'acme', 7)).batch, res.batch)
})

test('bad entries are rejected one by one with their JSON text; the rest flows', () => {
  const values: unknown[] = [
    ['1', 'good'],
    'not an array',
    ['1'],
    ['1', 'x', {}, 'extra'],
    ['1', 5],
    ['1', 'x', ['not', 'an object']],
    ['1', 'x', { n: 5 }],
    [1, 'number timestamp'],
    ['-1', 'negative'],
    ['1.5', 'fraction'],
    ['9223372036854775808', 'past int64'],
    ['', 'empty'],
    [' 1', 'space'],
    ['2', 'é'.repeat(20)], // 40 bytes in UTF-8
    ['2', 'e'.repeat(20)],
    ['3', 'meta', { a: '1', b: '2', c: '3' }],
    ['3', 'meta', { a: '1', b: '2' }],
    ['4', 'good too'],
  ]
  const small = new LokiPushDecoder({ limits: { maxLineBytes: 30, maxStructuredMetadataPairs: 2 } })
  const stream = { job: 'a' }
  const res = ok(small.decodeJson(json({ streams: [{ stream, values }] }), 't'))
  assert.deepEqual(
    res.batch.rows.map((r) => r.body),
    ['good', 'e'.repeat(20), 'meta', 'good too'],
  )
  assert.equal(res.rejected, 14)
  assert.deepEqual(res.rejectReasons, {
    invalid_labels: 0,
    too_many_labels: 0,
    label_name_too_long: 0,
    label_value_too_long: 0,
    invalid_entry: 6,
    invalid_timestamp: 6,
    line_too_long: 1,
    too_many_structured_metadata: 1,
  })
  const rejectedValues = values.filter((_, i) => ![0, 14, 16, 17].includes(i))
  res.rejects.forEach((r, i) => {
    assert.equal(new TextDecoder().decode(r.payload), JSON.stringify(rejectedValues[i]))
    assert.equal(r.stream, '{"job":"a"}')
  })
})

test('a stream with invalid labels has all its entries rejected', () => {
  const values = [
    ['1', 'a'],
    ['2', 'b'],
  ]
  const res = ok(
    loki.decodeJson(
      json({
        streams: [
          { stream: { job: 5 }, values },
          { stream: { 'bad-name': 'x' }, values },
          { stream: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v'])), values },
          { stream: { job: 'v'.repeat(4097) }, values },
          { stream: { job: 'ok' }, values },
        ],
      }),
      't',
    ),
  )
  assert.equal(res.accepted, 2)
  assert.equal(res.rejectReasons.invalid_labels, 4)
  assert.equal(res.rejectReasons.too_many_labels, 2)
  assert.equal(res.rejectReasons.label_value_too_long, 2)
  assert.equal(res.rejects[0]!.stream, '{"job":5}')
})

test('a wrong shape above the entries fails the request, naming the place', () => {
  const cases: [string, string][] = [
    ['{"streams": [', 'invalid JSON: '],
    ['[]', 'request: expected an object'],
    ['{"streams": {}}', 'streams: expected an array'],
    ['{"streams": [{}, 5]}', 'streams[1]: expected an object'],
    ['{"streams": [{"stream": []}]}', 'streams[0].stream: expected an object'],
    ['{"streams": [{"stream": {}, "values": "x"}]}', 'streams[0].values: expected an array'],
  ]
  for (const [body, reason] of cases) {
    const res = loki.decodeJson(body, 't')
    assert.equal(res.ok, false, body)
    assert.ok(!res.ok && res.reason.startsWith(reason), `${body}: ${!res.ok ? res.reason : ''}`)
  }
  assert.equal(ok(loki.decodeJson('{}', 't')).accepted, 0)
  assert.equal(ok(loki.decodeJson(new Uint8Array(json({ streams: null })), 't')).accepted, 0)
})
