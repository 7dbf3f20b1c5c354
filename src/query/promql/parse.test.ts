import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { BinaryOp, Expr, Matcher, VectorSelector } from './ast.js'
import { compileRe2, parseDurationMs, parsePromQL, PromQLParseError } from './parse.js'
import type { ParseErrorKind } from './parse.js'

function expr(q: string): Expr {
  return parsePromQL(q).expr
}

function failure(q: string): PromQLParseError {
  try {
    parsePromQL(q)
  } catch (err) {
    assert.ok(err instanceof PromQLParseError, `${q}: ${String(err)}`)
    return err
  }
  return assert.fail(`expected ${JSON.stringify(q)} to be rejected`)
}

function rejects(q: string, kind: ParseErrorKind, detail: string | RegExp, position?: number): void {
  const err = failure(q)
  assert.equal(err.kind, kind, `${q}: ${err.message}`)
  if (typeof detail === 'string') assert.equal(err.detail, detail, q)
  else assert.match(err.detail, detail, q)
  if (position !== undefined) assert.equal(err.position, position, `${q}: ${err.message}`)
}

function sel(name: string | undefined, matchers: readonly Matcher[] = [], offsetMs = 0): VectorSelector {
  const nameMatcher: Matcher[] = name === undefined ? [] : [{ name: '__name__', type: '=', value: name }]
  return { kind: 'vector', name, matchers: [...nameMatcher, ...matchers], offsetMs }
}

const num = (value: number): Expr => ({ kind: 'number', value })
const one = { card: 'one-to-one', matchingLabels: [], on: false, include: [] } as const

describe('parsePromQL: typical Grafana queries', () => {
  test('sum by (job) (rate(x{job=~"api|web"}[5m]))', () => {
    const q = parsePromQL('sum by (job) (rate(http_requests_total{job=~"api|web"}[5m]))')
    assert.equal(q.type, 'vector')
    assert.deepEqual(q.expr, {
      kind: 'aggregate',
      op: 'sum',
      param: undefined,
      grouping: ['job'],
      without: false,
      expr: {
        kind: 'call',
        func: 'rate',
        args: [
          {
            kind: 'matrix',
            rangeMs: 300_000,
            vector: sel('http_requests_total', [
              { name: 'job', type: '=~', value: 'api|web', regex: /^(?:api|web)$/u },
            ]),
          },
        ],
      },
    })
  })

  test('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))', () => {
    const q = parsePromQL('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))')
    assert.equal(q.type, 'vector')
    assert.deepEqual(q.expr, {
      kind: 'call',
      func: 'histogram_quantile',
      args: [
        num(0.99),
        {
          kind: 'aggregate',
          op: 'sum',
          param: undefined,
          grouping: ['le'],
          without: false,
          expr: {
            kind: 'call',
            func: 'rate',
            args: [{ kind: 'matrix', rangeMs: 300_000, vector: sel('x_bucket') }],
          },
        },
      ],
    })
  })

  test('a / on(instance) group_left(team) b', () => {
    assert.deepEqual(expr('a / on(instance) group_left(team) b'), {
      kind: 'binary',
      op: '/',
      lhs: sel('a'),
      rhs: sel('b'),
      returnBool: false,
      matching: { card: 'many-to-one', matchingLabels: ['instance'], on: true, include: ['team'] },
    })
    const right = expr('a * ignoring(x, y) group_right b')
    assert.equal(right.kind, 'binary')
    assert.deepEqual(right.kind === 'binary' ? right.matching : undefined, {
      card: 'one-to-many',
      matchingLabels: ['x', 'y'],
      on: false,
      include: [],
    })
  })

  test('topk(5, x) and quantile(0.9, x) carry their parameter', () => {
    assert.deepEqual(expr('topk(5, x)'), {
      kind: 'aggregate',
      op: 'topk',
      param: num(5),
      expr: sel('x'),
      grouping: [],
      without: false,
    })
    assert.deepEqual(expr('quantile without (a, b) (0.9, x)'), {
      kind: 'aggregate',
      op: 'quantile',
      param: num(0.9),
      expr: sel('x'),
      grouping: ['a', 'b'],
      without: true,
    })
  })

  test('the grouping clause may follow the body; keywords are case-insensitive', () => {
    assert.deepEqual(expr('sum(rate(x[1m])) by (job)'), expr('sum by (job) (rate(x[1m]))'))
    assert.deepEqual(expr('SUM(x) BY (a)'), expr('sum by (a) (x)'))
    assert.deepEqual(expr('count(x) without (on, bool)'), {
      kind: 'aggregate',
      op: 'count',
      param: undefined,
      expr: sel('x'),
      grouping: ['on', 'bool'],
      without: true,
    })
  })

  test('comments and newlines are skipped', () => {
    assert.deepEqual(expr('sum # total\n  by (a) (x) # trailing'), expr('sum by (a) (x)'))
  })
})

describe('parsePromQL: result types', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['1', 'scalar'],
    ['"s"', 'string'],
    ['x', 'vector'],
    ['x[5m]', 'matrix'],
    ['time()', 'scalar'],
    ['scalar(x)', 'scalar'],
    ['vector(1)', 'vector'],
    ['sum(x)', 'vector'],
    ['1 + 2', 'scalar'],
    ['x + 1', 'vector'],
    ['1 > bool 2', 'scalar'],
    ['-x', 'vector'],
    ['(1)', 'scalar'],
    ['(x[5m])', 'matrix'],
  ]
  for (const [q, type] of cases) {
    test(`${q} is ${type}`, () => assert.equal(parsePromQL(q).type, type))
  }
})

describe('parsePromQL: numbers', () => {
  test('decimal, exponent, hex, octal, Inf and NaN', () => {
    assert.deepEqual(expr('1.5'), num(1.5))
    assert.deepEqual(expr('.5'), num(0.5))
    assert.deepEqual(expr('1e3'), num(1000))
    assert.deepEqual(expr('2.5E-1'), num(0.25))
    assert.deepEqual(expr('0x1F'), num(31))
    assert.deepEqual(expr('0X1f'), num(31))
    assert.deepEqual(expr('017'), num(15)) // Go's ParseInt(s, 0, 64): a leading 0 is octal
    assert.deepEqual(expr('019'), num(19)) // … unless it is not octal, then ParseFloat
    assert.deepEqual(expr('Inf'), num(Infinity))
    assert.deepEqual(expr('-inf'), num(-Infinity))
    const nan = expr('NaN')
    assert.ok(nan.kind === 'number' && Number.isNaN(nan.value))
  })

  test('unary minus folds into a number literal, but not into parentheses', () => {
    assert.deepEqual(expr('-1'), num(-1))
    assert.deepEqual(expr('+1'), num(1))
    assert.deepEqual(expr('- -1'), num(1))
    assert.deepEqual(expr('-(1)'), { kind: 'unary', op: '-', expr: { kind: 'paren', expr: num(1) } })
    assert.deepEqual(expr('-x'), { kind: 'unary', op: '-', expr: sel('x') })
    assert.deepEqual(expr('+x'), { kind: 'unary', op: '+', expr: sel('x') })
  })

  test('durations, underscores and out-of-range values are not numbers in 2.42', () => {
    rejects('5m', 'syntax', 'unexpected duration "5m"', 0)
    rejects('1 + 1h', 'syntax', 'unexpected duration "1h"', 4)
    rejects('1_000', 'syntax', /bad number/)
    rejects('1e400', 'syntax', /error parsing number.*out of range/)
    rejects('topk(5m, x)', 'syntax', /unexpected duration/)
  })
})

describe('parsePromQL: operator precedence and associativity', () => {
  const bin = (op: BinaryOp, lhs: Expr, rhs: Expr): Expr => ({
    kind: 'binary',
    op,
    lhs,
    rhs,
    returnBool: false,
    matching: undefined,
  })

  test('1 + 2 * 3 is 1 + (2 * 3)', () => {
    assert.deepEqual(expr('1 + 2 * 3'), bin('+', num(1), bin('*', num(2), num(3))))
    assert.deepEqual(expr('1 * 2 + 3'), bin('+', bin('*', num(1), num(2)), num(3)))
  })

  test('- and / are left-associative, ^ is right-associative', () => {
    assert.deepEqual(expr('1 - 2 - 3'), bin('-', bin('-', num(1), num(2)), num(3)))
    assert.deepEqual(expr('8 / 4 / 2'), bin('/', bin('/', num(8), num(4)), num(2)))
    assert.deepEqual(expr('2 ^ 3 ^ 2'), bin('^', num(2), bin('^', num(3), num(2))))
  })

  test('-2 ^ 2 is -(2 ^ 2) but -2 * 3 is (-2) * 3', () => {
    assert.deepEqual(expr('-2 ^ 2'), { kind: 'unary', op: '-', expr: bin('^', num(2), num(2)) })
    assert.deepEqual(expr('-2 * 3'), bin('*', num(-2), num(3)))
    assert.deepEqual(expr('2 ^ -1'), bin('^', num(2), num(-1)))
    assert.deepEqual(expr('1 - -1'), bin('-', num(1), num(-1)))
  })

  test('comparison < and/unless < or', () => {
    const q = expr('a or b and c unless d > 1')
    assert.equal(q.kind, 'binary')
    if (q.kind !== 'binary') return
    assert.equal(q.op, 'or')
    assert.equal(q.rhs.kind === 'binary' && q.rhs.op, 'unless')
    const unless = q.rhs.kind === 'binary' ? q.rhs : undefined
    assert.equal(unless?.lhs.kind === 'binary' && unless.lhs.op, 'and')
    assert.equal(unless?.rhs.kind === 'binary' && unless.rhs.op, '>')
  })

  test('offset and ranges bind tighter than operators and unary minus', () => {
    assert.deepEqual(expr('a - a offset 1d'), {
      kind: 'binary',
      op: '-',
      lhs: sel('a'),
      rhs: sel('a', [], 86_400_000),
      returnBool: false,
      matching: one,
    })
    assert.deepEqual(expr('-a offset 5m'), { kind: 'unary', op: '-', expr: sel('a', [], 300_000) })
    rejects(
      '-x[5m]',
      'type',
      'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    )
  })
})

describe('parsePromQL: strings', () => {
  const str = (q: string) => {
    const e = expr(q)
    assert.equal(e.kind, 'string')
    return e.kind === 'string' ? e.value : undefined
  }

  test('double, single and backtick quotes', () => {
    assert.equal(str('"a b"'), 'a b')
    assert.equal(str("'a b'"), 'a b')
    assert.equal(str('`a\\nb`'), 'a\\nb')
    assert.equal(str('`multi\nline`'), 'multi\nline')
    assert.equal(parsePromQL('"x"').type, 'string')
  })

  test('Go escapes', () => {
    assert.equal(str('"\\n\\t\\r\\\\\\"\\a\\b\\f\\v"'), '\n\t\r\\"\x07\b\f\v')
    assert.equal(str("'it\\'s'"), "it's")
    assert.equal(str('"\\x41\\101\\u00e9\\U0001F600"'), 'AAé😀')
    assert.equal(str('"\\xc3\\xa9"'), 'é') // \x and octal escapes are bytes, decoded as UTF-8
    assert.equal(str('"é😀"'), 'é😀')
  })

  test('invalid escapes and unterminated strings', () => {
    rejects('"\\q"', 'syntax', "unknown escape sequence U+0071 'q'", 0)
    rejects('"\\\'"', 'syntax', /unknown escape sequence U\+0027/) // \' only inside '...'
    rejects("'\\\"'", 'syntax', /unknown escape sequence U\+0022/) // \" only inside "..."
    rejects('"\\x4"', 'syntax', /illegal character U\+0022/)
    rejects('"\\400"', 'syntax', 'escape sequence is an invalid Unicode code point')
    rejects('"\\ud800"', 'syntax', 'escape sequence is an invalid Unicode code point')
    rejects('"abc', 'syntax', 'unterminated quoted string', 0)
    rejects('foo{a="b}', 'syntax', 'unterminated quoted string', 6)
    rejects('`abc', 'syntax', /unexpected|unterminated/)
  })
})

describe('parsePromQL: vector selectors', () => {
  test('metric name first, then the matchers in order', () => {
    assert.deepEqual(
      expr('up{job="a", instance!="b", path=~"/api/.*", code!~"5.."}'),
      sel('up', [
        { name: 'job', type: '=', value: 'a' },
        { name: 'instance', type: '!=', value: 'b' },
        { name: 'path', type: '=~', value: '/api/.*', regex: /^(?:\/api\/[^\n]*)$/u },
        { name: 'code', type: '!~', value: '5..', regex: /^(?:5[^\n][^\n])$/u },
      ]),
    )
  })

  test('a selector without a metric name, keywords as label names, trailing comma', () => {
    assert.deepEqual(expr('{__name__="up", on="x",}'), {
      kind: 'vector',
      name: undefined,
      matchers: [
        { name: '__name__', type: '=', value: 'up' },
        { name: 'on', type: '=', value: 'x' },
      ],
      offsetMs: 0,
    })
    assert.deepEqual(expr('foo{}'), sel('foo'))
    assert.deepEqual(expr('sum'), sel('sum')) // an aggregation name without a body is a metric
    assert.deepEqual(expr('a:b:c'), sel('a:b:c'))
  })

  test('at least one matcher must not match the empty string', () => {
    const msg = 'vector selector must contain at least one non-empty matcher'
    rejects('{a=""}', 'syntax', msg, 0)
    rejects('{a=~".*"}', 'syntax', msg)
    rejects('{a!="x"}', 'syntax', msg)
    rejects('{a!~".+"}', 'syntax', msg)
    rejects('{}', 'syntax', msg)
    assert.equal(parsePromQL('{a=~".+"}').type, 'vector')
    assert.equal(parsePromQL('{a="", b="x"}').type, 'vector')
    assert.equal(parsePromQL('{a!~""}').type, 'vector')
    assert.equal(parsePromQL('x{a=""}').type, 'vector') // the metric name is a non-empty matcher
  })

  test('the metric name may be set only once', () => {
    rejects('foo{__name__="bar"}', 'syntax', 'metric name must not be set twice: "foo" or "bar"', 0)
    rejects('foo{__name__=~"b.*"}', 'syntax', /metric name must not be set twice/)
  })

  test('quoted (UTF-8) label names are Prometheus 3', () => {
    rejects('{"foo"}', 'syntax', /unexpected string/, 1)
    rejects('x{"a"="b"}', 'syntax', /unexpected string/, 2)
    rejects('sum by ("a") (x)', 'syntax', /unexpected string/)
  })

  test('malformed selectors', () => {
    rejects('x{a="b",c}', 'syntax', /unexpected/)
    rejects('x{a=1}', 'syntax', /unexpected/)
    rejects('{', 'syntax', 'unexpected end of input', 1)
  })
})

describe('parsePromQL: regex matchers', () => {
  const regexOf = (q: string): RegExp => {
    const e = expr(q)
    const m = e.kind === 'vector' ? e.matchers.find((x) => x.name === 'a') : undefined
    assert.ok(m?.regex !== undefined)
    return m.regex
  }

  test('fully anchored; . does not match \\n (no (?s) in 2.42)', () => {
    const re = regexOf('x{a=~"b.d"}')
    assert.ok(re.test('bcd'))
    assert.ok(!re.test('xbcd'))
    assert.ok(!re.test('bcdx'))
    assert.ok(!re.test('b\nd'))
    assert.ok(re.test('b\rd'))
    assert.ok(re.test('b😀d')) // one rune, as in Go
    assert.ok(regexOf('x{a=~"(?s)b.d"}').test('b\nd'))
    assert.ok(regexOf('x{a=~"a|b"}').test('b'))
    assert.ok(!regexOf('x{a=~"a|b"}').test('ab'))
  })

  test('a leading (?i) becomes the i flag', () => {
    const re = regexOf('x{a=~"(?i)foo|bar"}')
    assert.equal(re.flags, 'iu')
    assert.ok(re.test('FOO') && re.test('Bar'))
    assert.ok(regexOf('x{a=~"(?i:abc)"}').test('ABC'))
  })

  test('RE2 syntax JavaScript spells differently', () => {
    assert.ok(regexOf('x{a=~"[[:alpha:]]+[[:digit:]]"}').test('ab1'))
    assert.ok(regexOf('x{a=~"\\\\s"}').test(' '))
    assert.ok(!regexOf('x{a=~"\\\\s"}').test('\u00a0')) // RE2's \\s is ASCII
    assert.ok(regexOf('x{a=~"\\\\Qa.b\\\\E"}').test('a.b'))
    assert.ok(!regexOf('x{a=~"\\\\Qa.b\\\\E"}').test('axb'))
    assert.ok(regexOf('x{a=~"(?P<n>x)\\\\x{41}"}').test('xA'))
    assert.ok(regexOf('x{a=~"\\\\pL+"}').test('héllo'))
    assert.ok(regexOf('x{a=~"\\\\p{Greek}"}').test('λ'))
    assert.ok(regexOf('x{a=~"[\\\\d-]+"}').test('1-2'))
    assert.ok(regexOf('x{a=~"a{,2}"}').test('a{,2}')) // not a repeat: literal braces
    assert.ok(regexOf('x{a=~"\\\\_\\\\-"}').test('_-'))
  })

  test('invalid regexes are syntax errors that mention the regex', () => {
    rejects('x{a=~"("}', 'syntax', 'error parsing regexp: missing closing ): `(`', 2)
    rejects('x{a=~"[a"}', 'syntax', /missing closing \]/)
    rejects('x{a=~"a**"}', 'syntax', /invalid nested repetition operator/)
    rejects('x{a=~"*"}', 'syntax', /missing argument to repetition operator/)
    rejects('x{a=~"(?=a)"}', 'syntax', /invalid or unsupported Perl syntax/)
    rejects('x{a=~"\\\\1"}', 'syntax', /invalid escape sequence/)
    rejects('x{a=~"[z-a]"}', 'syntax', /invalid character class range/)
    rejects('x{a=~"a{1001}"}', 'syntax', /invalid repeat count/)
    rejects('x{a!~"a)"}', 'syntax', /unexpected \)/)
  })

  test('valid RE2 that Vigil cannot translate is unsupported', () => {
    rejects('x{a=~"a(?i)b"}', 'unsupported', /\(\?i\).*not supported by Vigil/)
    rejects('x{a=~"(?i:a)b"}', 'unsupported', /not supported by Vigil/)
    rejects('x{a=~"\\\\C"}', 'unsupported', /not supported by Vigil/)
  })

  test('compileRe2 directly', () => {
    assert.equal(compileRe2('').source, '^(?:)$')
    assert.ok(compileRe2('(?m)^a$\\n^b$').test('a\nb'))
    assert.ok(compileRe2('(?U)a+').test('aaa'))
    assert.throws(() => compileRe2('(a{100}){20}'), /invalid repeat count/)
  })
})

describe('parsePromQL: matrix selectors and offsets', () => {
  test('ranges and offsets in either order', () => {
    assert.deepEqual(expr('x[1h30m]'), { kind: 'matrix', vector: sel('x'), rangeMs: 5_400_000 })
    assert.deepEqual(expr('x[5m] offset 1w'), {
      kind: 'matrix',
      vector: sel('x', [], 604_800_000),
      rangeMs: 300_000,
    })
    assert.deepEqual(expr('x offset -5m'), sel('x', [], -300_000))
    assert.deepEqual(expr('x[5m] offset -1h'), {
      kind: 'matrix',
      vector: sel('x', [], -3_600_000),
      rangeMs: 300_000,
    })
  })

  test('ranges only on vector selectors, offsets only on selectors', () => {
    rejects('(x)[5m]', 'syntax', 'ranges only allowed for vector selectors', 3)
    rejects('rate(x[5m])[5m]', 'syntax', 'ranges only allowed for vector selectors', 11)
    rejects('x offset 5m [10m]', 'syntax', 'no offset modifiers allowed before range', 12)
    rejects(
      '1 offset 1d',
      'syntax',
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      0,
    )
    rejects('sum(x) offset 1d', 'syntax', /offset modifier must be preceded/)
    rejects('x offset 1s offset 2s', 'syntax', 'offset may not be set multiple times')
    rejects('x[5m] offset 1s offset 2s', 'syntax', 'offset may not be set multiple times')
  })

  test('durations must have a unit and be positive', () => {
    rejects('x[0s]', 'syntax', 'duration must be greater than 0', 2)
    rejects('x offset 0m', 'syntax', 'duration must be greater than 0')
    rejects('x[5]', 'syntax', /expected duration/)
    rejects('x offset 5', 'syntax', /expected duration/)
    rejects('x offset +5m', 'syntax', /expected duration/)
    rejects('x offset --5m', 'syntax', /expected duration/)
    rejects('x[1.5h]', 'syntax', /unexpected/)
    rejects('x[1m+1m]', 'syntax', 'bad duration syntax: "1m+1m"') // duration arithmetic is Prometheus 3
    rejects('x[]', 'syntax', /unexpected/)
  })

  test('subqueries and @ are unsupported', () => {
    rejects('x[5m:1m]', 'unsupported', 'subqueries are not supported by Vigil', 1)
    rejects('max_over_time(rate(x[5m])[1h:])', 'unsupported', 'subqueries are not supported by Vigil')
    rejects('x @ 1609746000', 'unsupported', 'the @ modifier is not supported by Vigil', 2)
    rejects('x[5m] @ end()', 'unsupported', 'the @ modifier is not supported by Vigil')
  })
})

describe('parsePromQL: functions', () => {
  test('known functions, optional arguments', () => {
    assert.deepEqual(expr('round(x)'), { kind: 'call', func: 'round', args: [sel('x')] })
    assert.deepEqual(expr('round(x, 5)'), { kind: 'call', func: 'round', args: [sel('x'), num(5)] })
    assert.deepEqual(expr('time()'), { kind: 'call', func: 'time', args: [] })
    assert.deepEqual(expr('rate (x[5m])'), expr('rate(x[5m])'))
  })

  test('arity and argument types', () => {
    rejects('rate(x[5m], 1)', 'type', 'expected 1 argument(s) in call to "rate", got 2', 0)
    rejects('time(1)', 'type', 'expected 0 argument(s) in call to "time", got 1')
    rejects('round()', 'type', 'expected at least 1 argument(s) in call to "round", got 0')
    rejects('round(x, 1, 2)', 'type', 'expected at most 2 argument(s) in call to "round", got 3')
    rejects('rate(x)', 'type', 'expected type range vector in call to function "rate", got instant vector', 5)
    rejects('abs(x[5m])', 'type', 'expected type instant vector in call to function "abs", got range vector')
    rejects(
      'histogram_quantile(x, x)',
      'type',
      /expected type scalar in call to function "histogram_quantile"/,
    )
    rejects('vector("a")', 'type', 'expected type scalar in call to function "vector", got string')
    rejects('rate(x[5m],)', 'syntax', 'trailing commas not allowed in function call args')
  })

  test('unsupported and unknown names', () => {
    rejects(
      'label_replace(x, "a", "b", "c", "d")',
      'unsupported',
      'function "label_replace" is not supported by Vigil',
      0,
    )
    rejects(
      '1 + holt_winters(x[5m], 0.5, 0.5)',
      'unsupported',
      'function "holt_winters" is not supported by Vigil',
      4,
    )
    rejects('foo(x)', 'syntax', 'unknown function with name "foo"', 0)
    rejects('RATE(x[5m])', 'syntax', 'unknown function with name "RATE"')
    rejects('sort_by_label(x, "a")', 'syntax', 'unknown function with name "sort_by_label"') // Prometheus 3
    rejects('sum(rate(nope (x[5m])))', 'syntax', 'unknown function with name "nope"')
  })
})

describe('parsePromQL: aggregations', () => {
  test('parameter rules', () => {
    rejects(
      'topk(x)',
      'syntax',
      'wrong number of arguments for aggregate expression provided, expected 2, got 1',
      0,
    )
    rejects(
      'sum(1, x)',
      'syntax',
      'wrong number of arguments for aggregate expression provided, expected 1, got 2',
    )
    rejects('sum()', 'syntax', 'no arguments for aggregate expression provided')
    rejects('topk(x, x)', 'type', 'expected type scalar in aggregation parameter, got instant vector', 5)
    rejects(
      'sum(x[5m])',
      'type',
      'expected type instant vector in aggregation expression, got range vector',
      4,
    )
    rejects('avg(1)', 'type', 'expected type instant vector in aggregation expression, got scalar')
    assert.equal(parsePromQL('topk(scalar(y), x)').type, 'vector')
  })

  test('aggregations Vigil does not evaluate', () => {
    rejects('stddev(x)', 'unsupported', 'aggregation "stddev" is not supported by Vigil', 0)
    rejects('stdvar by (a) (x)', 'unsupported', 'aggregation "stdvar" is not supported by Vigil')
    rejects('group(x)', 'unsupported', 'aggregation "group" is not supported by Vigil')
    rejects('count_values("v", x)', 'unsupported', 'aggregation "count_values" is not supported by Vigil')
    rejects('limitk(2, x)', 'syntax', 'unknown function with name "limitk"') // Prometheus 3
  })
})

describe('parsePromQL: binary expression rules', () => {
  test('operands must be scalars or instant vectors', () => {
    const msg = 'binary expression must contain only scalar and instant vector types'
    rejects('x[5m] + 1', 'type', msg, 0)
    rejects('1 + x[5m]', 'type', msg, 4)
    rejects('"a" + 1', 'type', msg)
  })

  test('set operators only between vectors, without grouping', () => {
    rejects('x and 1', 'type', 'set operator "and" not allowed in binary scalar expression', 0)
    rejects('1 or 2', 'type', /set operator "or" not allowed/)
    rejects('a and on(x) group_left b', 'syntax', 'no grouping allowed for "and" operation')
    assert.deepEqual(expr('a unless on(x) b'), {
      kind: 'binary',
      op: 'unless',
      lhs: sel('a'),
      rhs: sel('b'),
      returnBool: false,
      matching: { card: 'many-to-many', matchingLabels: ['x'], on: true, include: [] },
    })
    assert.deepEqual(expr('A AND b'), {
      kind: 'binary',
      op: 'and',
      lhs: sel('A'),
      rhs: sel('b'),
      returnBool: false,
      matching: { ...one, card: 'many-to-many' },
    })
  })

  test('comparisons and bool', () => {
    rejects('1 > 2', 'type', 'comparisons between scalars must use BOOL modifier', 2)
    rejects('x + bool y', 'syntax', 'bool modifier can only be used on comparison operators', 2)
    assert.deepEqual(expr('1 >= bool 2'), {
      kind: 'binary',
      op: '>=',
      lhs: num(1),
      rhs: num(2),
      returnBool: true,
      matching: undefined,
    })
    assert.deepEqual(expr('x != bool 0'), {
      kind: 'binary',
      op: '!=',
      lhs: sel('x'),
      rhs: num(0),
      returnBool: true,
      matching: undefined,
    })
    assert.equal(parsePromQL('x > 1').type, 'vector')
  })

  test('vector matching only between instant vectors', () => {
    rejects('1 + on(a) x', 'type', 'vector matching only allowed between instant vectors', 0)
    rejects('x * ignoring(a) group_left(b) 2', 'type', 'vector matching only allowed between instant vectors')
    // As in Prometheus, an empty label list is not checked.
    assert.equal(parsePromQL('x + on() 1').type, 'vector')
  })

  test('a label may not be in both on(...) and group_x(...)', () => {
    rejects(
      'a + on(x) group_left(x) b',
      'syntax',
      'label "x" must not occur in ON and GROUP clause at once',
      2,
    )
    assert.equal(parsePromQL('a + ignoring(x) group_left(x) b').type, 'vector')
  })

  test('operators Vigil or Prometheus 2.42 lack', () => {
    rejects('x atan2 y', 'unsupported', 'binary operator "atan2" is not supported by Vigil', 2)
    rejects('a </ b', 'syntax', 'unexpected <op:/>', 3)
    rejects('x + fill(0) y', 'syntax', /unexpected/)
    rejects('x[5m] anchored', 'syntax', /unexpected/)
  })
})

describe('parsePromQL: syntax errors', () => {
  test('empty input', () => {
    rejects('', 'syntax', 'no expression found in input', 0)
    rejects('  # only a comment\n', 'syntax', 'no expression found in input', 0)
  })

  test('messages are Prometheus-shaped with line:col', () => {
    const eoi = failure('sum(x')
    assert.equal(eoi.message, '1:6: parse error: unexpected end of input')
    assert.equal(eoi.position, 5)
    assert.equal(failure('a +').message, '1:4: parse error: unexpected end of input')
    const multiline = failure('sum(\n  foo(x))')
    assert.equal(multiline.message, '2:3: parse error: unknown function with name "foo"')
    assert.equal(multiline.position, 7)
    assert.equal(failure('x[5m:]').message, '1:2: subqueries are not supported by Vigil')
    const err = failure('"é" + foo(x)')
    assert.equal(err.position, 6)
    assert.match(err.message, /^1:8: /) // columns count UTF-8 bytes, like Prometheus
    rejects('é', 'syntax', /unexpected/, 0)
  })

  test('assorted syntax errors', () => {
    rejects('x y', 'syntax', 'unexpected identifier "y"', 2)
    rejects(')', 'syntax', 'unexpected ")"', 0)
    rejects('sum by (a b) (x)', 'syntax', 'unexpected identifier "b"')
    rejects('1 +* 2', 'syntax', /unexpected/)
    rejects('x offset', 'syntax', 'unexpected end of input')
  })

  test('errors are user errors with a code', () => {
    const err = failure('foo(')
    assert.ok(err instanceof Error)
    assert.equal(err.domain, 'user')
    assert.equal(err.retryable, false)
    assert.equal(err.code, 'PROMQL_SYNTAX')
    assert.equal(failure('stddev(x)').code, 'PROMQL_UNSUPPORTED')
    assert.equal(failure('rate(x)').code, 'PROMQL_TYPE')
  })
})

describe('parseDurationMs', () => {
  test('valid durations', () => {
    assert.equal(parseDurationMs('500ms'), 500)
    assert.equal(parseDurationMs('10s'), 10_000)
    assert.equal(parseDurationMs('5m'), 300_000)
    assert.equal(parseDurationMs('1h30m'), 5_400_000)
    assert.equal(parseDurationMs('1d'), 86_400_000)
    assert.equal(parseDurationMs('1w'), 604_800_000)
    assert.equal(parseDurationMs('1y'), 31_536_000_000)
    assert.equal(
      parseDurationMs('1y2w3d4h5m6s7ms'),
      31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 14_706_007,
    )
    assert.equal(parseDurationMs('90s'), 90_000)
    assert.equal(parseDurationMs('0'), 0)
    assert.equal(parseDurationMs('0s'), 0)
  })

  test('invalid durations', () => {
    for (const bad of [
      '',
      '5m1h',
      '1.5h',
      '5',
      '1h1h',
      '-5m',
      '5M',
      ' 5m',
      '5m ',
      'ms',
      '1ms1s',
      '106752d',
    ]) {
      assert.equal(parseDurationMs(bad), undefined, bad)
    }
    assert.equal(parseDurationMs('106751d'), 106_751 * 86_400_000) // the largest day count a time.Duration holds
  })
})
