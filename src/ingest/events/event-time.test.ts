import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { eventTimeMs, parseRfc3339 } from './event-time.js'

test('RFC 3339 strings parse to the same epoch ms as Date.parse for valid inputs', () => {
  const cases: [string, number][] = [
    ['1970-01-01T00:00:00Z', 0],
    ['2024-05-01T12:00:00.123Z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['2024-05-01t12:00:00.1234567z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['2024-05-01 12:00:00.5+02:00', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
    ['2024-02-29T23:59:59-05:30', Date.UTC(2024, 2, 1, 5, 29, 59)],
    ['1969-12-31T23:59:59.999Z', -1],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000],
    ['9999-12-31T23:59:59Z', 253_402_300_799_000],
  ]
  for (const [s, ms] of cases) assert.equal(parseRfc3339(s), ms, s)
  const bad = [
    '2024-05-01',
    '2024-05-01T12:00Z',
    '2024-05-01T12:00:00',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:00:00+24:00',
    '2024-05-01T12:00:00.Z',
    ' 2024-05-01T12:00:00Z',
    '1714564800',
  ]
  for (const s of bad) assert.equal(parseRfc3339(s), undefined, s)
})

test('arbitrary dates round-trip through toISOString', () => {
  fc.assert(
    fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
      assert.equal(parseRfc3339(new Date(ms).toISOString()), ms)
    }),
  )
})

test('the time field: RFC 3339, epoch ms above 1e11, else epoch seconds; absent → received time', () => {
  assert.equal(eventTimeMs({ time: 1_714_564_800_123 }, 5), 1_714_564_800_123)
  assert.equal(eventTimeMs({ time: 1_714_564_800 }, 5), 1_714_564_800_000)
  assert.equal(eventTimeMs({ time: 1_714_564_800.001 }, 5), 1_714_564_800_001)
  assert.equal(eventTimeMs({ timestamp: 100_000_000_001 }, 5), 100_000_000_001)
  assert.equal(eventTimeMs({ timestamp: 100_000_000_000 }, 5), 100_000_000_000_000)
  assert.equal(eventTimeMs({ timestamp: '1970-01-01T00:00:01Z' }, 5), 1000)
  assert.equal(eventTimeMs({ time: '1970-01-01T00:00:02Z', timestamp: 1 }, 5), 2000)
  assert.equal(eventTimeMs({ time: null, timestamp: 3 }, 5), 3000)
  assert.equal(eventTimeMs({}, 5), 5)
  assert.equal(eventTimeMs({ time: 'yesterday' }, 5), undefined)
  assert.equal(eventTimeMs({ time: true }, 5), undefined)
  assert.equal(eventTimeMs({ time: {} }, 5), undefined)
  assert.equal(eventTimeMs({ time: 1e300 }, 5), undefined)
})
