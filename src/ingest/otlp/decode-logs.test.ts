import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeLogBatch, encodeLogBatch } from '../../core/batch/index.js'
import { anyInt, anyString, fixed64, kv, len, msg, str, varint } from '../protobuf/testing/proto-writer.js'
import { decodeOtlpLogsJson } from './decode-logs-json.js'
import { decodeOtlpLogsProto } from './decode-logs.js'
import { describeRecordRejects } from './record-result.js'
import { expectedLogRow, expectedResource } from './testing/sdk-expected.js'
import { LOG_SPAN_ID, LOG_TRACE_ID, SDK_RESOURCE, recordSdkLogs } from './testing/sdk-logs-traces.js'

const sdk = recordSdkLogs()
const scopeIndex = (name: string): number => (name === 'http' ? 0 : 1)

test('protobuf: every field of every SDK log record is decoded as the SDK recorded it', () => {
  const res = decodeOtlpLogsProto(sdk.proto, 'acme')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.batch.tenant, 'acme')
  assert.deepEqual(res.batch.resources, [
    expectedResource(SDK_RESOURCE, 'http', '2.1.0'),
    expectedResource(SDK_RESOURCE, 'jobs'),
  ])
  assert.deepEqual(
    res.batch.rows,
    sdk.records.map((r) => expectedLogRow(r, scopeIndex(r.instrumentationScope.name))),
  )
  assert.equal(res.accepted, sdk.records.length)
  assert.equal(res.rejected, 0)
  // Spot checks, independent of the oracle: exact nanos, ids, typed values.
  const [info, error, map, event] = res.batch.rows
  assert.equal(res.batch.resources[0]!.service, 'checkout')
  assert.deepEqual([info!.timeMs, info!.timeNanos], [1_700_000_000_123, 456_789])
  assert.deepEqual([info!.observedTimeMs, info!.observedTimeNanos], [1_700_000_001_000, 5])
  assert.deepEqual([error!.timeMs, error!.timeNanos], [1_700_000_002_999, 999_999])
  assert.deepEqual([error!.traceId, error!.spanId, error!.flags], [LOG_TRACE_ID, LOG_SPAN_ID, 1])
  assert.deepEqual(error!.attributes.slice(6), [
    'tags',
    '["a","b"]',
    'user',
    '{"id":7,"vip":false}',
    'blob',
    'AQL/',
  ])
  assert.equal(error!.body, 'payment failed: ünïcødé ✓')
  assert.equal(map!.body, '{"job":"sync","items":[1,2]}')
  assert.equal(map!.severityNumber, 16)
  assert.deepEqual(event!.attributes, ['job', 'sync', 'event.name', 'job.finished'])
})

test('protobuf and OTLP/JSON of the same records decode to identical results', () => {
  assert.deepEqual(decodeOtlpLogsJson(sdk.json, 'acme'), decodeOtlpLogsProto(sdk.proto, 'acme'))
  assert.deepEqual(
    decodeOtlpLogsJson(new TextDecoder().decode(sdk.json), 'acme'),
    decodeOtlpLogsProto(sdk.proto, 'acme'),
  )
})

test('the decoded batch survives the log batch codec unchanged', () => {
  const res = decodeOtlpLogsProto(sdk.proto, 'acme')
  assert.ok(res.ok)
  const back = decodeLogBatch(encodeLogBatch(res.batch))
  assert.ok(back.ok, back.ok ? '' : back.reason)
  assert.deepEqual(back.batch, res.batch)
})

test('a record over a limit is rejected with its reason and its bytes; the rest is accepted', () => {
  const cases = [
    [{ maxAttributesPerRecord: 5 }, 'too_many_attributes', 'payment failed'],
    [{ maxAttributeValueLength: 15 }, 'attribute_value_too_long', 'payment failed'],
    [{ maxBodyLength: 25 }, 'body_too_long', 'items'],
  ] as const
  for (const [limits, reason, body] of cases) {
    for (const res of [
      decodeOtlpLogsProto(sdk.proto, 't', limits),
      decodeOtlpLogsJson(sdk.json, 't', limits),
    ]) {
      assert.ok(res.ok)
      assert.equal(res.rejected, 1, reason)
      assert.equal(res.accepted, sdk.records.length - 1)
      assert.equal(res.rejectReasons[reason], 1)
      assert.equal(res.rejects[0]!.reason, reason)
      assert.ok(Buffer.from(res.rejects[0]!.payload).includes(body), `${reason}: payload is the record`)
      assert.ok(res.batch.rows.every((r) => !r.body.startsWith(body)))
    }
  }
})

test('a resource over a limit rejects every record under it', () => {
  const res = decodeOtlpLogsProto(sdk.proto, 't', { maxAttributesPerRecord: 3 })
  assert.ok(res.ok)
  assert.equal(res.accepted, 0)
  assert.equal(res.rejectReasons.too_many_attributes, sdk.records.length)
  assert.deepEqual(res.batch.resources, [])
  assert.equal(
    describeRecordRejects(res, 'log records'),
    `${sdk.records.length} log records rejected: too_many_attributes ${sdk.records.length}`,
  )
})

const fixed32 = (field: number, v: number): Uint8Array => {
  const b = new Uint8Array(5)
  b[0] = (field << 3) | 5
  new DataView(b.buffer).setUint32(1, v, true)
  return b
}
const logsRequest = (resource: Uint8Array[], ...records: Uint8Array[]): Uint8Array =>
  msg(
    len(
      1,
      msg(
        ...records.map((r) => len(2, msg(len(1, msg(str(1, 's'))), len(2, r)))),
        len(1, msg(...resource.map((a) => len(1, a)))),
      ),
    ),
  )

test('hand-made records: field order, ids, severities, unknown fields, 2^64 - 1 ns', () => {
  const good = msg(
    len(10, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0xff])),
    varint(99, 5), // unknown field: skipped
    str(3, 'warn'),
    varint(2, 13),
    len(5, anyInt(-5n)),
    fixed64(1, 0xffff_ffff_ffff_ffffn),
    len(9, new Uint8Array(16).fill(0xab)),
    fixed32(8, 0x0101),
  )
  const zeroIds = msg(len(9, new Uint8Array(16)), len(10, new Uint8Array(8)), varint(2, 77))
  const badTrace = msg(len(9, new Uint8Array(15).fill(1)), len(5, anyString('x')))
  const badSpan = msg(len(10, new Uint8Array(4).fill(1)))
  const res = decodeOtlpLogsProto(
    logsRequest([kv('service.name', anyString('api'))], good, zeroIds, badTrace, badSpan),
    't',
  )
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.deepEqual(res.batch.resources, [
    { service: 'api', attributes: ['service.name', 'api'], scope: 's', scopeVersion: '' },
  ])
  const [a, b] = res.batch.rows
  assert.deepEqual(
    [a!.timeMs, a!.timeNanos, a!.severityNumber, a!.severityText, a!.body, a!.flags],
    [18_446_744_073_709, 551_615, 13, 'warn', '-5', 0x0101],
  )
  assert.deepEqual([a!.traceId, a!.spanId], ['ab'.repeat(16), '01020304050607ff'])
  assert.deepEqual([b!.traceId, b!.spanId, b!.severityNumber], ['', '', 0])
  assert.deepEqual(
    res.rejects.map((r) => r.reason),
    ['invalid_trace_id', 'invalid_span_id'],
  )
  assert.deepEqual([...res.rejects[1]!.payload], [...badSpan])
  const long = decodeOtlpLogsProto(logsRequest([], msg(len(6, kv('k'.repeat(257), anyString('v'))))), 't')
  assert.ok(long.ok && long.rejectReasons.attribute_name_too_long === 1)
})

test('rejects and batch do not alias the request buffer', () => {
  const bytes = Uint8Array.from(sdk.proto)
  const res = decodeOtlpLogsProto(bytes, 't', { maxBodyLength: 24 })
  assert.ok(res.ok)
  const payload = Uint8Array.from(res.rejects[0]!.payload)
  bytes.fill(0)
  assert.deepEqual([...res.rejects[0]!.payload], [...payload])
  assert.equal(res.rejects[0]!.payload.buffer === bytes.buffer, false)
})

test('an unreadable request is a failure naming the message and byte, or the JSON path', () => {
  const res = decodeOtlpLogsProto(sdk.proto.subarray(0, sdk.proto.length - 3), 't')
  assert.ok(!res.ok)
  assert.match(res.reason, /^malformed (ResourceLogs|ScopeLogs|LogRecord|KeyValue|Resource): .* at byte \d+$/)
  const json = JSON.parse(new TextDecoder().decode(sdk.json)) as {
    resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[]
  }
  json.resourceLogs[0]!.scopeLogs[1]!.logRecords[0]!.severityNumber = 'loud'
  assert.deepEqual(decodeOtlpLogsJson(JSON.stringify(json), 't'), {
    ok: false,
    reason: 'resourceLogs[0].scopeLogs[1].logRecords[0].severityNumber: unknown value "loud"',
  })
  const bad = decodeOtlpLogsJson('{"resourceLogs": [', 't')
  assert.ok(!bad.ok && bad.reason.startsWith('invalid JSON: '))
})

test('OTLP/JSON: enum names, numeric times and ids in any case are accepted', () => {
  const body = {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: 1_700_000_000_000_000,
                severityNumber: 'SEVERITY_NUMBER_ERROR2',
                traceId: 'AB'.repeat(16),
                spanId: '00'.repeat(8),
                body: { intValue: '9007199254740993' },
              },
            ],
          },
        ],
      },
    ],
  }
  const res = decodeOtlpLogsJson(JSON.stringify(body), 't')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  const row = res.batch.rows[0]!
  assert.deepEqual(
    [row.timeMs, row.timeNanos, row.severityNumber, row.traceId, row.spanId, row.body],
    [1_700_000_000, 0, 18, 'ab'.repeat(16), '', '9007199254740993'],
  )
  assert.deepEqual(res.batch.resources, [{ service: '', attributes: [], scope: '', scopeVersion: '' }])
})
