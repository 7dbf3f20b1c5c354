import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeSpanBatch, encodeSpanBatch, spanDurationNanos } from '../../core/batch/index.js'
import { anyString, fixed64, kv, len, msg, str, varint } from '../protobuf/testing/proto-writer.js'
import { decodeOtlpTracesJson } from './decode-traces-json.js'
import { decodeOtlpTracesProto } from './decode-traces.js'
import { describeRecordRejects } from './record-result.js'
import { expectedResource, expectedSpanRow } from './testing/sdk-expected.js'
import { SDK_RESOURCE, recordSdkTraces } from './testing/sdk-logs-traces.js'

const sdk = recordSdkTraces()
const scopeIndex = (name: string): number => (name === 'http' ? 0 : 1)

test('protobuf: every field of every SDK span is decoded as the SDK recorded it', () => {
  const res = decodeOtlpTracesProto(sdk.proto, 'acme')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.batch.tenant, 'acme')
  assert.deepEqual(res.batch.resources, [
    expectedResource(SDK_RESOURCE, 'http', '2.1.0'),
    expectedResource(SDK_RESOURCE, 'queue'),
  ])
  assert.deepEqual(
    res.batch.rows,
    sdk.spans.map((s) => expectedSpanRow(s, scopeIndex(s.instrumentationScope.name))),
  )
  assert.equal(res.accepted, sdk.spans.length)
  assert.equal(res.rejected, 0)
  // Spot checks, independent of the oracle.
  const byName = new Map(res.batch.rows.map((r) => [r.name, r]))
  const root = byName.get('GET /cart')!
  const client = byName.get('POST payments')!
  const inner = byName.get('serialize')!
  assert.deepEqual([root.kind, root.statusCode, root.statusMessage], [2, 2, 'upstream timed out'])
  assert.deepEqual(
    [root.startMs, root.startNanos, root.endMs, root.endNanos],
    [1_700_000_000_000, 100, 1_700_000_001_000, 0],
  )
  assert.equal(spanDurationNanos(root), 999_999_900)
  assert.deepEqual(root.events, [
    {
      name: 'exception',
      timeMs: 1_700_000_000_900,
      timeNanos: 1,
      attributes: ['exception.type', 'TimeoutError'],
    },
  ])
  assert.equal(root.parentSpanId, '')
  assert.equal(client.parentSpanId, root.spanId)
  assert.equal(inner.parentSpanId, client.spanId)
  assert.ok(
    [root, client, inner].every((s) => s.traceId === root.traceId && /^[0-9a-f]{32}$/.test(s.traceId)),
  )
  assert.deepEqual([client.kind, client.statusCode, inner.kind], [3, 1, 1])
  assert.deepEqual(client.attributes, ['peer.service', 'payments', 'retries', '2', 'ok', 'false'])
  assert.deepEqual(client.links, [
    { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: '', attributes: ['reason', 'batch'] },
  ])
  assert.equal(root.flags, 0x101)
})

test('protobuf and OTLP/JSON of the same spans decode to identical results', () => {
  assert.deepEqual(decodeOtlpTracesJson(sdk.json, 'acme'), decodeOtlpTracesProto(sdk.proto, 'acme'))
})

test('the decoded batch survives the span batch codec unchanged', () => {
  const res = decodeOtlpTracesProto(sdk.proto, 'acme')
  assert.ok(res.ok)
  const back = decodeSpanBatch(encodeSpanBatch(res.batch))
  assert.ok(back.ok, back.ok ? '' : back.reason)
  assert.deepEqual(back.batch, res.batch)
})

test('a span over a limit is rejected with its reason and its bytes; the rest is accepted', () => {
  const cases = [
    [{ maxAttributeValueLength: 11 }, 'attribute_value_too_long', 'GET /cart'],
    [{ maxEventsPerSpan: 1 }, 'too_many_events', 'serialize'],
    [{ maxLinksPerSpan: 0 }, 'too_many_links', 'POST payments'],
  ] as const
  for (const [limits, reason, name] of cases) {
    for (const res of [
      decodeOtlpTracesProto(sdk.proto, 't', limits),
      decodeOtlpTracesJson(sdk.json, 't', limits),
    ]) {
      assert.ok(res.ok)
      assert.equal(res.rejected, 1, reason)
      assert.equal(res.accepted, sdk.spans.length - 1)
      assert.equal(res.rejects[0]!.reason, reason)
      assert.ok(Buffer.from(res.rejects[0]!.payload).includes(name), `${reason}: payload is the span`)
      assert.ok(res.batch.rows.every((r) => r.name !== name))
      assert.equal(describeRecordRejects(res, 'spans'), `1 span rejected: ${reason} 1`)
    }
  }
})

const spansRequest = (...spans: Uint8Array[]): Uint8Array =>
  msg(
    len(
      1,
      msg(
        len(1, msg(len(1, kv('service.name', anyString('api'))))),
        len(2, msg(...spans.map((s) => len(2, s)))),
      ),
    ),
  )
const TRACE = new Uint8Array(16).fill(7)
const SPAN = new Uint8Array(8).fill(9)
const span = (...fields: Uint8Array[]): Uint8Array =>
  msg(len(1, TRACE), len(2, SPAN), str(5, 'op'), fixed64(7, 1_000_000n), fixed64(8, 2_000_000n), ...fields)

test('hand-made spans: ids and times are checked, unknown kinds and codes are unspecified', () => {
  const res = decodeOtlpTracesProto(
    spansRequest(
      span(varint(6, 42), len(15, msg(varint(3, 9), str(2, 'odd')))),
      msg(len(2, SPAN), fixed64(7, 1n), fixed64(8, 2n)),
      msg(len(1, TRACE), fixed64(7, 1n), fixed64(8, 2n)),
      msg(len(1, new Uint8Array(16)), len(2, SPAN), fixed64(7, 1n), fixed64(8, 2n)),
      msg(len(1, TRACE.subarray(1)), len(2, SPAN)),
      msg(len(1, TRACE), len(2, SPAN.subarray(1))),
      span(len(4, new Uint8Array(3))),
      msg(len(1, TRACE), len(2, SPAN), fixed64(7, 5n), fixed64(8, 4n)),
      msg(len(1, TRACE), len(2, SPAN)),
      span(len(13, msg(len(1, TRACE), len(2, new Uint8Array(9))))),
      span(len(11, msg(str(2, 'e'), len(3, kv('k'.repeat(300), anyString('v')))))),
      span(...['a', 'b', 'c'].map((k) => len(9, kv(k, anyString('v'))))),
    ),
    't',
    { maxAttributesPerRecord: 2 },
  )
  const unlimited = decodeOtlpTracesProto(
    spansRequest(span(...['a', 'b', 'c'].map((k) => len(9, kv(k, anyString('v')))))),
    't',
  )
  assert.ok(res.ok, res.ok ? '' : res.reason)
  assert.equal(res.accepted, 1)
  const row = res.batch.rows[0]!
  assert.deepEqual(
    [row.traceId, row.spanId, row.kind, row.statusCode, row.statusMessage, row.startMs, row.endMs],
    ['07'.repeat(16), '09'.repeat(8), 0, 0, 'odd', 1, 2],
  )
  assert.deepEqual(
    res.rejects.map((r) => r.reason),
    [
      'missing_trace_id',
      'missing_span_id',
      'missing_trace_id',
      'invalid_trace_id',
      'invalid_span_id',
      'invalid_span_id',
      'invalid_time',
      'invalid_time',
      'invalid_span_id',
      'attribute_name_too_long',
      'too_many_attributes',
    ],
  )
  assert.ok(unlimited.ok)
  assert.deepEqual(unlimited.batch.rows[0]!.attributes, ['a', 'v', 'b', 'v', 'c', 'v'])
})

test('an unreadable request is a failure naming the message and byte, or the JSON path', () => {
  const cut = decodeOtlpTracesProto(spansRequest(span(len(11, msg(str(2, 'e'))))).subarray(0, 60), 't')
  assert.ok(!cut.ok)
  assert.equal(cut.reason, 'malformed ResourceSpans: length 84 runs past the end of the message at byte 2')
  const inside = decodeOtlpTracesProto(spansRequest(span(len(11, Uint8Array.from([0x08, 0x80])))), 't')
  assert.ok(!inside.ok)
  assert.match(inside.reason, /^malformed Span\.Event: truncated or overlong varint at byte \d+$/)
  const json = JSON.parse(new TextDecoder().decode(sdk.json)) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[]
  }
  json.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.traceId = 12
  assert.deepEqual(decodeOtlpTracesJson(JSON.stringify(json), 't'), {
    ok: false,
    reason: 'resourceSpans[0].scopeSpans[0].spans[1].traceId: expected a hex string',
  })
})

test('OTLP/JSON: enum names and base-10 number times are accepted', () => {
  const body = {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'op',
                kind: 'SPAN_KIND_CONSUMER',
                startTimeUnixNano: 1_000_000,
                endTimeUnixNano: '1000001',
                status: { code: 'STATUS_CODE_ERROR' },
              },
            ],
          },
        ],
      },
    ],
  }
  const res = decodeOtlpTracesJson(JSON.stringify(body), 't')
  assert.ok(res.ok, res.ok ? '' : res.reason)
  const row = res.batch.rows[0]!
  assert.deepEqual([row.kind, row.statusCode, row.startMs, row.endNanos], [5, 2, 1, 1])
})
