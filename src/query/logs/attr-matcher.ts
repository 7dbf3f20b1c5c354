import { QueryParamError } from '../sql/query-error.js'
import type { SqlParams } from '../sql/sql-params.js'

export const attrOps = ['=', '!=', '=~', '!~'] as const
export type AttrOp = (typeof attrOps)[number]

/** One `attr` condition: on a log attribute, or on a resource attribute for keys `resource.<key>`. */
export interface AttrMatcher {
  readonly on: 'attributes' | 'resource'
  /** The attribute key (for resource matchers, without the `resource.` prefix). */
  readonly key: string
  readonly op: AttrOp
  readonly value: string
}

const MATCHER = /^([^=!~]+)(=~|!~|!=|=)(.*)$/s
const RESOURCE_PREFIX = 'resource.'

/**
 * Parses `key=value`, `key!=value`, `key=~regex` or `key!~regex`. As in Prometheus, a missing
 * attribute reads as '' and regexes are anchored at both ends (`=~` must match the whole value).
 */
export function parseAttrMatcher(raw: string, name: string): AttrMatcher {
  const m = MATCHER.exec(raw)
  if (m === null) {
    throw new QueryParamError(
      name,
      `"${raw}" is not a matcher: expected key=value, key!=value, key=~regex or key!~regex`,
    )
  }
  const rawKey = m[1]!
  const resource = rawKey.startsWith(RESOURCE_PREFIX) && rawKey.length > RESOURCE_PREFIX.length
  return {
    on: resource ? 'resource' : 'attributes',
    key: resource ? rawKey.slice(RESOURCE_PREFIX.length) : rawKey,
    op: m[2] as AttrOp,
    value: m[3]!,
  }
}

/** The SQL condition of `m` on the `logs` columns, its values bound in `p`. */
export function attrCondition(m: AttrMatcher, p: SqlParams): string {
  const column = `coalesce(${m.on}[${p.add(m.key)}], '')`
  switch (m.op) {
    case '=':
      return `${column} = ${p.add(m.value)}`
    case '!=':
      return `${column} <> ${p.add(m.value)}`
    case '=~':
      return `regexp_full_match(${column}, ${p.add(m.value)})`
    case '!~':
      return `NOT regexp_full_match(${column}, ${p.add(m.value)})`
  }
}
