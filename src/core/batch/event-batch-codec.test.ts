import { test } from 'node:test'
import { decodeEventBatch, encodeEventBatch } from './event-batch-codec.js'
import { assertNeverThrows, assertRoundTrip } from './testing/codec-properties.js'
import { eventBatch } from './testing/batch-arbitraries.js'

const codec = { encode: encodeEventBatch, decode: decodeEventBatch }

test('decode(encode(batch)) deep-equals the batch', () => assertRoundTrip(codec, eventBatch))

test('garbage, truncated or corrupted records decode to a reason, never a throw', () =>
  assertNeverThrows(codec, eventBatch))
