import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatSampleTime, formatSampleValue, formatScalarValue } from './format.js'

test('sample values are formatted as Go strconv.FormatFloat with Prometheus’ cut-offs', () => {
  const cases: [number, string][] = [
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-6, '0.000001'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1e+21'],
    [1.23e302, '1.23e+302'],
    [5e-324, '5e-324'],
    [123456789012345680000, '123456789012345680000'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
  ]
  for (const [v, want] of cases) assert.equal(formatSampleValue(v), want, String(v))
})

test('scalar values never use an exponent', () => {
  assert.equal(formatScalarValue(1e-7), '0.0000001')
  assert.equal(formatScalarValue(1.5e22), '15000000000000000000000')
  assert.equal(formatScalarValue(-3.25), '-3.25')
})

test('sample times are seconds with three decimals when not whole', () => {
  assert.equal(formatSampleTime(1_700_000_000_000), '1700000000')
  assert.equal(formatSampleTime(1_700_000_000_500), '1700000000.500')
  assert.equal(formatSampleTime(1_700_000_000_050), '1700000000.050')
  assert.equal(formatSampleTime(-1_500), '-1.500')
})
