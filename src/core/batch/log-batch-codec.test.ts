import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeLogBatch, encodeLogBatch } from './log-batch-codec.js'
import { assertNeverThrows, assertRoundTrip } from './testing/codec-properties.js'
import { logBatch } from './testing/batch-arbitraries.js'

const codec = { encode: encodeLogBatch, decode: decodeLogBatch }

test('decode(encode(batch)) deep-equals the batch', () => assertRoundTrip(codec, logBatch))

test('garbage, truncated or corrupted records decode to a reason, never a throw', () =>
  assertNeverThrows(codec, logBatch))

test('a row pointing past the resource dictionary is malformed', () => {
  const row = {
    resource: 1,
    timeMs: 0,
    timeNanos: 0,
    observedTimeMs: 0,
    observedTimeNanos: 0,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: [],
    traceId: '',
    spanId: '',
    flags: 0,
  }
  const res = decodeLogBatch(encodeLogBatch({ kind: 'logs', tenant: 't', resources: [], rows: [row] }))
  assert.deepEqual(res, { ok: false, reason: 'malformed logs batch: resource 1 out of range (0)' })
})
