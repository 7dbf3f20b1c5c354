import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Fnv1a64, labelsFingerprint } from './fingerprint.js'

/** FNV-1a 64 with BigInt, the textbook way, to check the two-halves arithmetic against. */
function reference(bytes: Iterable<number>): string {
  let h = 0xcbf29ce484222325n
  for (const b of bytes) {
    h ^= BigInt(b)
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return h.toString(16).padStart(16, '0')
}

function hashOf(s: string): string {
  const h = new Fnv1a64()
  h.addString(s)
  return h.hex()
}

test('FNV-1a 64 matches the published vectors', () => {
  // http://www.isthe.com/chongo/tech/comp/fnv/ test vectors.
  assert.equal(hashOf(''), 'cbf29ce484222325')
  assert.equal(hashOf('a'), 'af63dc4c8601ec8c')
  assert.equal(hashOf('foobar'), '85944171f73967e8')
})

test('FNV-1a 64 agrees with a BigInt reference on UTF-8 text of every width', () => {
  for (const s of ['alertname', 'Ünïcode ✓ 𝄞', 'x'.repeat(1000), '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
    assert.equal(hashOf(s), reference(Buffer.from(s, 'utf8')), s.slice(0, 20))
  }
})

test('the label set fingerprint is FNV-1a over name 0xff value 0xff in name order', () => {
  const labels = { severity: 'page', alertname: 'HighLatency', job: 'api' }
  const bytes: number[] = []
  for (const n of ['alertname', 'job', 'severity']) {
    bytes.push(...Buffer.from(n), 0xff, ...Buffer.from(labels[n as keyof typeof labels]), 0xff)
  }
  assert.equal(labelsFingerprint(labels), reference(bytes))
  // Order of properties does not matter; any change of a value does.
  assert.equal(
    labelsFingerprint({ job: 'api', alertname: 'HighLatency', severity: 'page' }),
    reference(bytes),
  )
  assert.notEqual(labelsFingerprint({ ...labels, job: 'apj' }), reference(bytes))
  // The empty set is the offset basis (Alertmanager's emptyLabelSignature).
  assert.equal(labelsFingerprint({}), 'cbf29ce484222325')
})
