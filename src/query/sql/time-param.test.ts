import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QueryParamError } from './query-error.js'
import { rfc3339Nano, unixNano } from './time-format.js'
import { parseTimeRange, parseTimestamp } from './time-param.js'

const rejects = (fn: () => unknown, param: string, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QueryParamError)
    assert.equal(err.status, 400)
    assert.equal(err.param, param)
    assert.match(err.message, pattern)
    return true
  })

test('unix seconds are exact to the nanosecond; other float spellings are accepted', () => {
  assert.equal(parseTimestamp('1700000000', 'start'), 1_700_000_000_000_000_000n)
  assert.equal(parseTimestamp('1700000000.123456789', 'start'), 1_700_000_000_123_456_789n)
  assert.equal(parseTimestamp('1700000000.5', 'start'), 1_700_000_000_500_000_000n)
  assert.equal(parseTimestamp('1700000000.1234567891', 'start'), 1_700_000_000_123_456_789n)
  assert.equal(parseTimestamp('1.7e9', 'start'), 1_700_000_000_000_000_000n)
})

test('RFC 3339 with fractions and offsets', () => {
  assert.equal(parseTimestamp('2023-11-14T22:13:20Z', 'end'), 1_700_000_000_000_000_000n)
  assert.equal(parseTimestamp('2023-11-14T22:13:20.000000001Z', 'end'), 1_700_000_000_000_000_001n)
  assert.equal(parseTimestamp('2023-11-14T23:13:20.5+01:00', 'end'), 1_700_000_000_500_000_000n)
  assert.equal(parseTimestamp('2023-11-14t21:13:20-01:00', 'end'), 1_700_000_000_000_000_000n)
})

test('malformed and out-of-range times name the parameter', () => {
  rejects(() => parseTimestamp('yesterday', 'start'), 'start', /"yesterday" is not a time: give unix seconds/)
  rejects(() => parseTimestamp('2023-02-30T00:00:00Z', 'end'), 'end', /not a valid date/)
  rejects(() => parseTimestamp('2023-11-14T24:00:00Z', 'end'), 'end', /not a valid date/)
  rejects(() => parseTimestamp('2023-11-14T22:13:20', 'end'), 'end', /not a time/) // no offset
  rejects(() => parseTimestamp('-5', 'start'), 'start', /before 1970/)
  rejects(() => parseTimestamp('1e20', 'start'), 'start', /after the year 9999/)
})

test('time range defaults: end = now, start = end - lookback; start after end is refused', () => {
  const now = 1_700_000_000_000
  assert.deepEqual(parseTimeRange(new URLSearchParams(), now, 3_600_000), {
    startNs: 1_699_996_400_000_000_000n,
    endNs: 1_700_000_000_000_000_000n,
  })
  assert.deepEqual(parseTimeRange(new URLSearchParams({ end: '1000' }), now, 3_600_000), {
    startNs: 0n,
    endNs: 1_000_000_000_000n,
  })
  rejects(
    () => parseTimeRange(new URLSearchParams({ start: '20', end: '10' }), now, 1),
    'start',
    /20 is after end \(10\)/,
  )
  rejects(() => parseTimeRange(new URLSearchParams('start=1&start=2'), now, 1), 'start', /given 2 times/)
  rejects(() => parseTimeRange(new URLSearchParams('end='), now, 1), 'end', /is empty/)
})

test('stored times format as RFC 3339 with nine fraction digits and as unix nanoseconds', () => {
  assert.equal(rfc3339Nano(1_700_000_000_123n, 456_789), '2023-11-14T22:13:20.123456789Z')
  assert.equal(rfc3339Nano(0, 0), '1970-01-01T00:00:00.000000000Z')
  assert.equal(unixNano(1_700_000_000_123n, 456_789), '1700000000123456789')
})
