import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { parseLabelSelector } from './label-selector.js'
import { selector } from './testing/push-request-proto.js'

test('parses selectors into sorted label pairs', () => {
  const cases: [string, string[]][] = [
    ['{job="api", env="prod"}', ['env', 'prod', 'job', 'api']],
    ['{}', []],
    ['  { }  ', []],
    ['{a="1",}', ['a', '1']],
    ['{\n  a = "x" ,\tb="" \n}', ['a', 'x', 'b', '']],
    ['{_x9="ünï ✓ {}=,"}', ['_x9', 'ünï ✓ {}=,']],
    ['{a="q\\"uote\\\\back\\nnl\\ttab\\rcr"}', ['a', 'q"uote\\back\nnl\ttab\rcr']],
  ]
  for (const [text, labels] of cases) assert.deepEqual(parseLabelSelector(text), { ok: true, labels }, text)
})

test('errors are values naming the position', () => {
  const cases: [string, string][] = [
    ['', 'expected "{" at position 0 (end of text)'],
    ['job="a"', 'expected "{" at position 0 (found "j")'],
    ['{job=a}', 'expected a quoted value at position 5 (found "a")'],
    ['{job="a" env="b"}', 'expected "," or "}" at position 9 (found "e")'],
    ['{1a="x"}', 'expected a label name at position 1 (found "1")'],
    ['{a-b="x"}', 'expected "=" after label "a" at position 2 (found "-")'],
    ['{a=~"x"}', 'only "=" matchers are allowed at position 2 (found "=")'],
    ['{a!="x"}', 'expected "=" after label "a" at position 2 (found "!")'],
    ['{a="x}', 'unterminated string starting at position 3'],
    ['{a="\\x"}', 'unknown escape "\\x" at position 4'],
    ['{a="x\\', 'unterminated escape at position 5'],
    ['{a="x"', 'expected "," or "}" at position 6 (end of text)'],
    ['{a="x"} b', 'unexpected text after "}" at position 8 (found "b")'],
    ['{a="x", b="y", a="z"}', 'label "a" appears twice'],
  ]
  for (const [text, error] of cases) assert.deepEqual(parseLabelSelector(text), { ok: false, error }, text)
})

test('parse(selector(labels)) == labels, and arbitrary text never throws', () => {
  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/)
  const pairs = fc.uniqueArray(fc.tuple(name, fc.string({ unit: 'binary', maxLength: 12 })), {
    selector: (p) => p[0],
    maxLength: 8,
  })
  fc.assert(
    fc.property(pairs, (p) => {
      const expected = p
        .slice()
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .flat()
      assert.deepEqual(parseLabelSelector(selector(p)), { ok: true, labels: expected })
    }),
  )
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      const res = parseLabelSelector(text)
      assert.ok(res.ok || res.error.length > 0)
    }),
    { numRuns: 2000 },
  )
})
