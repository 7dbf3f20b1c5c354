import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { sortLabels } from '../../core/batch/index.js'
import { DEFAULT_DECODE_LIMITS } from './decode-result.js'
import { LabelSetBuilder, resourceLabels, withLabel } from './label-set.js'
import { sanitizeLabelName, sanitizeMetricName } from './prometheus-names.js'

/** The rules of LabelSetBuilder, written the slow, obvious way. */
function reference(name: string, resource: string[], attrs: [string, string][]): string[] {
  const kept = attrs
    .map(([raw, value], i) => ({ raw, value, i, key: sanitizeLabelName(raw) }))
    .filter((a) => a.raw !== '' && a.value !== '' && a.key !== '__name__')
    .filter((a) => !resource.some((r, j) => j % 2 === 0 && r === a.key))
    .sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : a.i - b.i,
    )
  const merged = new Map<string, string>()
  for (const a of kept) merged.set(a.key, merged.has(a.key) ? `${merged.get(a.key)!};${a.value}` : a.value)
  return sortLabels(['__name__', name, ...resource, ...[...merged].flat()])
}

const keyChars = fc.constantFrom('a', 'b', 'A', 'Z', '_', '.', '-', '1', 'j', 'o', 'é')
const key = fc.oneof(
  fc.string({ unit: keyChars, maxLength: 5 }),
  fc.constantFrom('job', 'service', 'instance', '__name__', 'le', 'A', '_'),
)

test('label sets follow the rules: sanitised, merged, sorted, resource and name first', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(key, fc.string({ maxLength: 3 })), { maxLength: 12 }),
      fc.record({
        name: fc.option(fc.constantFrom('api', 'db'), { nil: undefined }),
        namespace: fc.option(fc.constantFrom('', 'shop'), { nil: undefined }),
        instanceId: fc.option(fc.constantFrom('i-1', ''), { nil: undefined }),
      }),
      (attrs, identity) => {
        const b = new LabelSetBuilder(DEFAULT_DECODE_LIMITS)
        b.reset()
        for (const [k, v] of attrs) b.add(k, v)
        const resource = resourceLabels(identity)
        assert.deepEqual(b.build('m', resource, 0), reference('m', resource, attrs))
      },
    ),
    { numRuns: 3000 },
  )
})

test('limits count every label, including those added later', () => {
  const b = new LabelSetBuilder({ maxLabelsPerSeries: 3, maxLabelNameLength: 3, maxLabelValueLength: 3 })
  b.reset()
  b.add('a', 'x')
  assert.deepEqual(b.build('m', ['job', 'j'], 0), ['__name__', 'm', 'a', 'x', 'job', 'j'])
  assert.equal(b.build('m', ['job', 'j'], 1), 'too_many_labels')
  assert.equal(b.build('long', [], 0), 'label_value_too_long')
  b.add('abcd', 'x')
  assert.equal(b.build('m', [], 0), 'label_name_too_long')
})

test('names sanitise to Prometheus rules; withLabel keeps labels sorted', () => {
  assert.equal(sanitizeMetricName('http.server.duration'), 'http_server_duration')
  assert.equal(sanitizeMetricName('2xx:rate'), '_2xx:rate')
  assert.equal(sanitizeLabelName('2xx'), 'key_2xx')
  assert.equal(sanitizeLabelName('a:b'), 'a_b')
  assert.deepEqual(withLabel(['__name__', 'h', 'z', '1'], 'le', '5'), ['__name__', 'h', 'le', '5', 'z', '1'])
  assert.deepEqual(withLabel(['__name__', 'h', 'le', '1'], 'le', '5'), ['__name__', 'h', 'le', '5'])
  assert.deepEqual(withLabel(['a', '1'], 'le', '5'), ['a', '1', 'le', '5'])
})
