import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { test } from 'node:test'
import fc from 'fast-check'
import snappy from 'snappy'
import { DEFAULT_LOKI_LIMITS } from './limits.js'
import type { DecodeResult } from './decode-result.js'
import { decodePushRequest } from './decode-push-proto.js'
import { LokiPushDecoder } from './loki-push-decoder.js'
import { flatRows } from './testing/log-rows.js'
import type { FlatRow } from './testing/log-rows.js'
import { encodePushRequest, lokiProtoBody, selector } from './testing/push-request-proto.js'
import type { PbPushRequest } from './testing/push-request-proto.js'

const loki = new LokiPushDecoder()

const name = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/)
  .filter((n) => n !== 'level' && n !== 'detected_level' && n !== '__proto__')
const text = fc.string({ unit: 'binary', maxLength: 16 })
const pairs = fc.uniqueArray(fc.tuple(name, text), { selector: (p) => p[0], maxLength: 6 })

interface Generated {
  labels: [string, string][]
  entries: { seconds: number; nanos: number; line: string; meta: [string, string][] }[]
}
function streams(minSeconds: number, maxSeconds: number): fc.Arbitrary<Generated[]> {
  const entry = fc.record({
    seconds: fc.integer({ min: minSeconds, max: maxSeconds }),
    nanos: fc.integer({ min: 0, max: 999_999_999 }),
    line: fc.string({ unit: 'binary', maxLength: 40 }),
    meta: pairs,
  })
  return fc.array(fc.record({ labels: pairs, entries: fc.array(entry, { maxLength: 5 }) }), { maxLength: 5 })
}

function toProto(g: Generated[]): PbPushRequest {
  return {
    streams: g.map((s) => ({
      labels: selector(s.labels),
      entries: s.entries.map((e) => ({
        timestamp: { seconds: e.seconds, nanos: e.nanos },
        line: e.line,
        structuredMetadata: e.meta.map(([n, v]) => ({ name: n, value: v })),
      })),
    })),
  }
}

function toJson(g: Generated[]): string {
  const ns = (s: number, n: number): string => (BigInt(s) * 1_000_000_000n + BigInt(n)).toString()
  return JSON.stringify({
    streams: g.map((s) => ({
      stream: Object.fromEntries(s.labels),
      values: s.entries.map((e) => [ns(e.seconds, e.nanos), e.line, Object.fromEntries(e.meta)]),
    })),
  })
}

function expectedRows(g: Generated[]): FlatRow[] {
  const service = (labels: readonly string[]): string => {
    for (const n of ['service_name', 'service', 'job', 'app']) {
      const i = labels.findIndex((l, j) => j % 2 === 0 && l === n)
      if (i >= 0) return labels[i + 1]!
    }
    return ''
  }
  return g.flatMap((s) => {
    const labels = s.labels
      .slice()
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .flat()
    return s.entries.map((e) => ({
      labels,
      service: service(labels),
      ns: (BigInt(e.seconds) * 1_000_000_000n + BigInt(e.nanos)).toString(),
      line: e.line,
      metadata: e.meta.flat(),
      severity: [0, ''] as [number, string],
    }))
  })
}

test('decode(encode(x)) == x for arbitrary pushes, protobuf (by protobufjs) and JSON alike', () => {
  fc.assert(
    fc.property(streams(-62_135_596_800, 253_402_300_799), (g) => {
      const res = loki.decodeProto(lokiProtoBody(toProto(g)), 't')
      if (!res.ok) assert.fail(res.reason)
      assert.equal(res.rejected, 0)
      assert.deepEqual(flatRows(res.batch), expectedRows(g))
    }),
    { numRuns: 300 },
  )
  fc.assert(
    fc.property(streams(0, 9_223_372_035), (g) => {
      const res = loki.decodeJson(toJson(g), 't')
      if (!res.ok) assert.fail(res.reason)
      assert.equal(res.rejected, 0)
      assert.deepEqual(flatRows(res.batch), expectedRows(g))
      const proto = loki.decodeProto(lokiProtoBody(toProto(g)), 't')
      assert.deepEqual(proto.ok && proto.batch, res.batch)
    }),
    { numRuns: 300 },
  )
})

/** Whatever came out is internally consistent. */
function assertConsistent(res: DecodeResult): void {
  if (!res.ok) {
    assert.ok(res.reason.length > 0)
    return
  }
  const b = res.batch
  assert.equal(res.accepted, b.rows.length)
  assert.equal(res.rejected, res.rejects.length)
  assert.equal(
    Object.values(res.rejectReasons).reduce((a, n) => a + n, 0),
    res.rejected,
  )
  for (const row of b.rows) {
    assert.ok(row.resource >= 0 && row.resource < b.resources.length)
    assert.ok(Number.isInteger(row.timeMs) && row.timeNanos >= 0 && row.timeNanos < 1e6)
  }
}

test('random bytes never throw, as a snappy body or as a protobuf message', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assertConsistent(loki.decodeProto(bytes, 't'))
      assertConsistent(loki.decodeProto(snappy.compressSync(Buffer.from(bytes)), 't'))
      assertConsistent(decodePushRequest(bytes, 't', DEFAULT_LOKI_LIMITS))
      assertConsistent(loki.decodeJson(bytes, 't'))
    }),
    { numRuns: 2000 },
  )
})

test('truncated and bit-flipped protobuf and snappy bodies never throw', () => {
  fc.assert(
    fc.property(streams(-10, 10), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (g, cut, at, bit) => {
      const pb = encodePushRequest(toProto(g))
      assertConsistent(decodePushRequest(pb.subarray(0, cut % (pb.length + 1)), 't', DEFAULT_LOKI_LIMITS))
      const flipped = Uint8Array.from(pb)
      if (flipped.length > 0) flipped[at % flipped.length]! ^= 1 << bit
      assertConsistent(decodePushRequest(flipped, 't', DEFAULT_LOKI_LIMITS))
      const body = lokiProtoBody(toProto(g))
      assertConsistent(loki.decodeProto(body.subarray(0, cut % (body.length + 1)), 't'))
    }),
    { numRuns: 500 },
  )
})

test('random, truncated and mutated JSON bodies never throw', () => {
  const value = fc.jsonValue({ maxDepth: 4 })
  const entry = fc.oneof(fc.tuple(fc.string(), fc.string()), fc.tuple(value, value, value), value)
  const shaped = fc.record({
    streams: fc.oneof(
      fc.array(
        fc.record({ stream: fc.oneof(fc.dictionary(fc.string(), value), value), values: fc.array(entry) }),
      ),
      value,
    ),
  })
  fc.assert(
    fc.property(fc.oneof(shaped, value), fc.nat(), (v, cut) => {
      const body = JSON.stringify(v)
      assertConsistent(loki.decodeJson(body, 't'))
      assertConsistent(loki.decodeJson(body.slice(0, cut % (body.length + 1)), 't'))
    }),
    { numRuns: 1000 },
  )
  fc.assert(
    fc.property(streams(0, 100), fc.nat(), (g, cut) => {
      const body = toJson(g)
      assertConsistent(loki.decodeJson(body.slice(0, cut % (body.length + 1)), 't'))
    }),
    { numRuns: 300 },
  )
})
