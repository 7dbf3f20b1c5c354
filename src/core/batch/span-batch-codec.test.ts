import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeSpanBatch, encodeSpanBatch } from './span-batch-codec.js'
import { assertNeverThrows, assertRoundTrip } from './testing/codec-properties.js'
import { spanBatch } from './testing/batch-arbitraries.js'

const codec = { encode: encodeSpanBatch, decode: decodeSpanBatch }

test('decode(encode(batch)) deep-equals the batch', () => assertRoundTrip(codec, spanBatch))

test('garbage, truncated or corrupted records decode to a reason, never a throw', () =>
  assertNeverThrows(codec, spanBatch))

test('an unknown span kind is malformed, and a log record is not a span batch', () => {
  const resource = { service: 's', attributes: [], scope: '', scopeVersion: '' }
  const row = {
    resource: 0,
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: 'GET',
    kind: 6,
    startMs: 1,
    startNanos: 0,
    endMs: 2,
    endNanos: 0,
    statusCode: 0,
    statusMessage: '',
    attributes: [],
    events: [],
    links: [],
    flags: 0,
  }
  const bytes = encodeSpanBatch({ kind: 'spans', tenant: 't', resources: [resource], rows: [row] })
  assert.deepEqual(decodeSpanBatch(bytes), {
    ok: false,
    reason: 'malformed spans batch: span kind 6 out of range (6)',
  })
  const logs = Uint8Array.from(bytes)
  logs[1] = 2
  assert.deepEqual(decodeSpanBatch(logs), { ok: false, reason: 'malformed spans batch: kind 2 is not spans' })
})
