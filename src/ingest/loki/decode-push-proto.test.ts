import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Buffer } from 'node:buffer'
import snappy from 'snappy'
import { len, msg, str, varint } from '../protobuf/testing/proto-writer.js'
import type { DecodeResult, DecodeSuccess } from './decode-result.js'
import { LokiPushDecoder } from './loki-push-decoder.js'
import { flatRows } from './testing/log-rows.js'
import { encodeEntry, encodePushRequest, lokiProtoBody } from './testing/push-request-proto.js'
import type { PbEntry, PbPushRequest } from './testing/push-request-proto.js'

const loki = new LokiPushDecoder()

function ok(res: DecodeResult): DecodeSuccess {
  if (!res.ok) assert.fail(`decode failed: ${res.reason}`)
  return res
}

function entry(seconds: number, nanos: number, line: string, meta: [string, string][] = []): PbEntry {
  return {
    timestamp: { seconds, nanos },
    line,
    structuredMetadata: meta.map(([name, value]) => ({ name, value })),
  }
}

test('decodes streams, labels, exact timestamps, lines and structured metadata built by protobufjs', () => {
  const req: PbPushRequest = {
    format: 'loki',
    streams: [
      {
        labels: '{job="api", env="prod", level="warn"}',
        hash: 12345,
        entries: [
          entry(1_700_000_000, 123_456_789, 'first ünïcode ✓'),
          entry(1_700_000_001, 999_999_999, 'meta wins', [
            ['trace_id', 'abc'],
            ['level', 'ERROR'],
          ]),
          entry(0, 0, ''),
          entry(-1, 500_000_000, 'before 1970'),
        ],
      },
      { labels: '{service_name="checkout", job="x"}', entries: [entry(253_402_300_799, 1, 'late')] },
      {
        labels: '{}',
        entries: [{ ...entry(5, 0, 'parsed is ignored'), parsed: [{ name: 'p', value: 'q' }] }],
      },
    ],
  }
  const res = ok(loki.decodeProto(lokiProtoBody(req), 'acme', 1_700_000_000_500))
  assert.equal(res.batch.kind, 'logs')
  assert.equal(res.batch.tenant, 'acme')
  assert.equal(res.accepted, 6)
  assert.equal(res.rejected, 0)
  assert.deepEqual(res.rejects, [])
  const api = ['env', 'prod', 'job', 'api', 'level', 'warn']
  assert.deepEqual(flatRows(res.batch), [
    {
      labels: api,
      service: 'api',
      ns: '1700000000123456789',
      line: 'first ünïcode ✓',
      metadata: [],
      severity: [13, 'warn'],
    },
    {
      labels: api,
      service: 'api',
      ns: '1700000001999999999',
      line: 'meta wins',
      metadata: ['trace_id', 'abc', 'level', 'ERROR'],
      severity: [17, 'ERROR'],
    },
    { labels: api, service: 'api', ns: '0', line: '', metadata: [], severity: [13, 'warn'] },
    {
      labels: api,
      service: 'api',
      ns: '-500000000',
      line: 'before 1970',
      metadata: [],
      severity: [13, 'warn'],
    },
    {
      labels: ['job', 'x', 'service_name', 'checkout'],
      service: 'checkout',
      ns: '253402300799000000001',
      line: 'late',
      metadata: [],
      severity: [0, ''],
    },
    { labels: [], service: '', ns: '5000000000', line: 'parsed is ignored', metadata: [], severity: [0, ''] },
  ])
  assert.equal(res.batch.rows[3]!.timeMs, -500)
  assert.equal(res.batch.rows[3]!.timeNanos, 0)
  assert.equal(res.batch.rows[0]!.observedTimeMs, 1_700_000_000_500)
  assert.equal(res.batch.resources.length, 3)
})

test('the service comes from service_name, service, job, app in that order', () => {
  const services = ['{app="d"}', '{job="c", app="d"}', '{service="b", job="c"}', '{zone="z"}']
  const req = { streams: services.map((labels) => ({ labels, entries: [entry(1, 0, 'x')] })) }
  const res = ok(loki.decodeProto(lokiProtoBody(req), 't'))
  assert.deepEqual(
    res.batch.resources.map((r) => r.service),
    ['d', 'c', 'b', ''],
  )
})

test('severity words map to OTLP numbers; detected_level and unknown words too', () => {
  const levels = ['debug', 'INFO', 'Warning', 'error', 'fatal', 'trace', 'critical', 'loud']
  const req = {
    streams: [
      { labels: '{detected_level="info"}', entries: levels.map((l) => entry(1, 0, l, [['level', l]])) },
      { labels: '{detected_level="info"}', entries: [entry(1, 0, 'from stream')] },
    ],
  }
  const rows = ok(loki.decodeProto(lokiProtoBody(req), 't')).batch.rows
  assert.deepEqual(
    rows.map((r) => [r.severityNumber, r.severityText]),
    [
      [5, 'debug'],
      [9, 'INFO'],
      [13, 'Warning'],
      [17, 'error'],
      [21, 'fatal'],
      [1, 'trace'],
      [21, 'critical'],
      [0, 'loud'],
      [9, 'info'],
    ],
  )
})

test('each limit rejects what breaks it, with its reason and bytes, and the rest flows', () => {
  const good = entry(10, 0, 'good')
  const many = `{${Array.from({ length: 33 }, (_, i) => `l${i}="v"`).join(',')}}`
  const meta33 = Array.from({ length: 33 }, (_, i): [string, string] => [`m${i}`, 'v'])
  const noTime: PbEntry = { line: 'no timestamp' }
  const badNanos = entry(1, 1_000_000_000, 'nanos out of range')
  const tooEarly = entry(-62_135_596_801, 0, 'before year 1')
  const req: PbPushRequest = {
    streams: [
      { labels: many, entries: [good, good] },
      { labels: `{${'n'.repeat(257)}="v"}`, entries: [good] },
      { labels: `{a="${'v'.repeat(4097)}"}`, entries: [good] },
      { labels: '{job=oops}', entries: [good] },
      {
        labels: '{job="ok"}',
        entries: [
          good,
          noTime,
          badNanos,
          tooEarly,
          entry(1, 0, 'x'.repeat(256 * 1024 + 1)),
          entry(1, 0, 'x'.repeat(256 * 1024)),
          entry(1, 0, 'meta', meta33),
          entry(1, 0, 'meta', meta33.slice(0, 32)),
          entry(1, 0, 'meta', [['k', 'v'.repeat(4097)]]),
          entry(1, 0, 'meta', [['k'.repeat(257), 'v']]),
          good,
        ],
      },
    ],
  }
  const res = ok(loki.decodeProto(lokiProtoBody(req), 't'))
  assert.equal(res.accepted, 4)
  assert.equal(res.rejected, 12)
  assert.deepEqual(res.rejectReasons, {
    invalid_labels: 1,
    too_many_labels: 2,
    label_name_too_long: 2,
    label_value_too_long: 2,
    invalid_entry: 0,
    invalid_timestamp: 3,
    line_too_long: 1,
    too_many_structured_metadata: 1,
  })
  assert.deepEqual(
    res.rejects.map((r) => r.reason),
    [
      'too_many_labels',
      'too_many_labels',
      'label_name_too_long',
      'label_value_too_long',
      'invalid_labels',
      'invalid_timestamp',
      'invalid_timestamp',
      'invalid_timestamp',
      'line_too_long',
      'too_many_structured_metadata',
      'label_value_too_long',
      'label_name_too_long',
    ]
      .concat([])
      .slice(0, 12),
  )
  const sent = [good, good, good, good, good, noTime, badNanos, tooEarly, req.streams[4]!.entries[4]!]
  sent.forEach((e, i) =>
    assert.deepEqual(Uint8Array.from(res.rejects[i]!.payload), encodeEntry(e), `reject ${i}`),
  )
  assert.equal(res.rejects[0]!.stream, many)
  assert.equal(res.rejects[4]!.stream, '{job=oops}')
  assert.deepEqual(
    res.batch.rows.map((r) => r.body.length),
    [4, 256 * 1024, 4, 4],
  )
  // Limits are configurable.
  const strict = new LokiPushDecoder({ limits: { maxLabelsPerStream: 1, maxLineBytes: 3 } })
  const s = ok(
    strict.decodeProto(lokiProtoBody({ streams: [{ labels: '{a="1", b="2"}', entries: [good] }] }), 't'),
  )
  assert.equal(s.rejectReasons.too_many_labels, 1)
  const l = ok(strict.decodeProto(lokiProtoBody({ streams: [{ labels: '{a="1"}', entries: [good] }] }), 't'))
  assert.equal(l.rejectReasons.line_too_long, 1)
})

test('whole-request failures are values naming the problem', () => {
  const small = new LokiPushDecoder({ maxDecompressedBytes: 10 })
  const body = lokiProtoBody({
    streams: [{ labels: '{a="1"}', entries: [entry(1, 0, 'a long enough line')] }],
  })
  assert.match((small.decodeProto(body, 't') as { reason: string }).reason, /exceeds the 10 bytes limit/)
  assert.match((loki.decodeProto(new Uint8Array([5, 1, 2]), 't') as { reason: string }).reason, /^snappy:/)
  assert.match((loki.decodeProto(new Uint8Array(0), 't') as { reason: string }).reason, /^snappy:/)
  const pb = encodePushRequest({ streams: [{ labels: '{a="1"}', entries: [entry(1, 0, 'line')] }] })
  const cut = loki.decodeProto(snappy.compressSync(Buffer.from(pb.subarray(0, pb.length - 2))), 't')
  assert.deepEqual(cut, { ok: false, reason: 'truncated StreamAdapter at byte 0' })
  // A length inside the entry that runs past the entry but not past the stream.
  const bad = Uint8Array.from(pb)
  const lineTag = bad.indexOf(0x12, bad.indexOf(0x12) + 1) // StreamAdapter.entries, then EntryAdapter.line
  bad[lineTag + 1] = 0x7f
  const overrun = loki.decodeProto(snappy.compressSync(Buffer.from(bad)), 't')
  assert.equal(overrun.ok, false)
  assert.match((overrun as { reason: string }).reason, /^malformed StreamAdapter at byte 0: /)
  assert.equal(ok(loki.decodeProto(snappy.compressSync(Buffer.alloc(0)), 't')).accepted, 0)
})

test('field order does not matter: labels after entries, repeated fields, unknown fields, negative nanos', () => {
  const ts = (seconds: number, nanos: number): Uint8Array => msg(varint(1, seconds), varint(2, nanos))
  const pair = (n: string, v: string): Uint8Array => msg(str(1, n), str(2, v))
  const e1 = msg(
    str(2, 'line'),
    varint(9, 7),
    len(3, pair('k', 'a')),
    len(3, pair('k', 'b')),
    len(1, ts(2, 5)),
  )
  const e2 = msg(len(1, ts(2, -1)), str(2, 'bad nanos'))
  const stream = msg(len(2, e1), varint(3, 99), len(2, e2), str(1, '{job="late"}'))
  const body = snappy.compressSync(Buffer.from(msg(str(2, 'loki'), len(1, stream))))
  const res = ok(loki.decodeProto(body, 't'))
  assert.deepEqual(flatRows(res.batch), [
    {
      labels: ['job', 'late'],
      service: 'late',
      ns: '2000000005',
      line: 'line',
      metadata: ['k', 'b'],
      severity: [0, ''],
    },
  ])
  assert.deepEqual(
    res.rejects.map((r) => [r.reason, r.stream]),
    [['invalid_timestamp', '{job="late"}']],
  )
  assert.deepEqual(Uint8Array.from(res.rejects[0]!.payload), e2)
})
