import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SpanSeen } from './span-seen.js'

test('remembers identities until the watermark passes their expiry', () => {
  const s = new SpanSeen()
  s.add('t\u0000a', 20_000)
  s.add('t\u0000b', 10_000)
  s.add('t\u0000a', 30_000)
  assert.equal(s.size, 2)
  s.prune(9_999)
  assert.ok(s.has('t\u0000b'))
  s.prune(10_000)
  assert.deepEqual([s.has('t\u0000a'), s.has('t\u0000b'), s.size], [true, false, 1])
  s.prune(20_000)
  assert.equal(s.size, 0)
})

test('encode/decode round-trips byte for byte; damaged bytes are refused', () => {
  const s = new SpanSeen()
  s.add('acme\u0000x', 20_000)
  s.add('acme\u0000y', 10_000)
  s.add('zürich\u0000z', 20_000)
  const bytes = s.encode()
  const back = SpanSeen.decode(bytes)
  assert.ok(back.ok)
  assert.deepEqual(back.value.encode(), bytes)
  assert.deepEqual([back.value.has('zürich\u0000z'), back.value.size], [true, 3])
  back.value.prune(10_000)
  assert.equal(back.value.size, 2, 'expiries survive the round trip')
  assert.ok(SpanSeen.decode(new SpanSeen().encode()).ok)
  const damaged = new Uint8Array(bytes)
  damaged[3] = damaged[3]! ^ 1
  assert.deepEqual(SpanSeen.decode(damaged), {
    ok: false,
    reason: 'malformed span dedupe state: checksum mismatch',
  })
  assert.equal(SpanSeen.decode(bytes.subarray(0, 2)).ok, false)
})
