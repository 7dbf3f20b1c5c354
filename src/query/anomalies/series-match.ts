import type { Matcher } from '../promql/ast.js'
import { PromQLParseError, parsePromQL } from '../promql/parse.js'
import { QueryParamError } from '../sql/query-error.js'
import type { RegexParam } from '../sql/regex-check.js'
import type { SqlParams } from '../sql/sql-params.js'
import { labelValueSql } from './key-labels.js'

/**
 * A `match` value: a PromQL series selector (`cpu{host=~"a.*"}`, `{service="checkout"}`), parsed
 * by Vigil's PromQL parser so that its rules are Prometheus': at least one matcher that does not
 * match the empty string, RE2 regexes anchored at both ends. Returns its matchers; anything but a
 * plain selector (a range, an offset, an expression) is a QueryParamError naming `name`.
 */
export function parseSeriesMatch(text: string, name: string): readonly Matcher[] {
  let parsed
  try {
    parsed = parsePromQL(text)
  } catch (err) {
    if (err instanceof PromQLParseError) throw new QueryParamError(name, `"${text}": ${err.message}`)
    throw err
  }
  const expr = parsed.expr
  if (expr.kind !== 'vector' || expr.offsetMs !== 0) {
    throw new QueryParamError(name, `"${text}" is not a series selector like cpu{host=~"a.*"}`)
  }
  return expr.matchers
}

/** The regexes of `selectors`, for checking against DuckDB's RE2 before the query runs. */
export function selectorRegexes(selectors: readonly (readonly Matcher[])[], name: string): RegexParam[] {
  return selectors.flatMap((s) =>
    s.filter((m) => m.type === '=~' || m.type === '!~').map((m) => ({ param: name, pattern: m.value })),
  )
}

/**
 * SQL: true when the labels in the alternating VARCHAR[] `list` match any of `selectors` (each
 * selector's matchers ANDed, as in Prometheus' `match[]`); values bound in `p`. Regexes run in
 * DuckDB with RE2, as Prometheus runs them: `regexp_full_match` anchors both ends.
 */
export function selectorsCondition(
  selectors: readonly (readonly Matcher[])[],
  list: string,
  p: SqlParams,
): string {
  return selectors
    .map((matchers) => matchers.map((m) => matcherSql(m, list, p)).join(' AND '))
    .map((c) => `(${c})`)
    .join(' OR ')
}

function matcherSql(m: Matcher, list: string, p: SqlParams): string {
  const value = labelValueSql(list, p.add(m.name))
  switch (m.type) {
    case '=':
      return `${value} = ${p.add(m.value)}`
    case '!=':
      return `${value} <> ${p.add(m.value)}`
    case '=~':
      return `regexp_full_match(${value}, ${p.add(m.value)})`
    case '!~':
      return `NOT regexp_full_match(${value}, ${p.add(m.value)})`
  }
}
