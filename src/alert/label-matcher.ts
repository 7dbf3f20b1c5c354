import { PipelineError } from '../core/index.js'
import { compileRe2 } from '../query/promql/parse.js'
import { LABEL_NAME_RE, labelOf } from './alert-labels.js'
import type { AlertLabels } from './alert.js'

/** PromQL's and Alertmanager's four matcher types. */
export const matchTypes = ['=', '!=', '=~', '!~'] as const
export type MatchType = (typeof matchTypes)[number]

/** A label matcher as configured and stored (serialisable). */
export interface LabelMatcher {
  readonly name: string
  readonly type: MatchType
  readonly value: string
}

/** A matcher ready to test values; regexes are RE2, fully anchored, as in Prometheus. */
export interface CompiledMatcher extends LabelMatcher {
  matches(value: string): boolean
}

/** A matcher that cannot be used: bad label name, bad regex or bad syntax. Always the user's. */
export class MatcherError extends PipelineError {
  constructor(message: string) {
    super(message, { code: 'ALERT_MATCHER', domain: 'user', retryable: false })
  }
}

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  if (!LABEL_NAME_RE.test(m.name)) throw new MatcherError(`invalid label name ${JSON.stringify(m.name)}`)
  if (!(matchTypes as readonly string[]).includes(m.type)) {
    throw new MatcherError(`invalid match type ${JSON.stringify(m.type)} (one of = != =~ !~)`)
  }
  const base = { name: m.name, type: m.type, value: m.value }
  switch (m.type) {
    case '=':
      return { ...base, matches: (v) => v === m.value }
    case '!=':
      return { ...base, matches: (v) => v !== m.value }
    case '=~': {
      const re = compileRegex(m.value)
      return { ...base, matches: (v) => re.test(v) }
    }
    case '!~': {
      const re = compileRegex(m.value)
      return { ...base, matches: (v) => !re.test(v) }
    }
  }
}

/** Whether every matcher matches `labels` (a missing label has the value ''). */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: AlertLabels): boolean {
  for (const m of matchers) if (!m.matches(labelOf(labels, m.name))) return false
  return true
}

/**
 * One matcher in Alertmanager's text form, as in `source_matchers:` and `amtool`: `name="value"`,
 * `name=~"re"`, `name!=value` (quotes optional; inside quotes `\"`, `\\` and `\n` escape).
 */
export function parseMatcher(text: string): LabelMatcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s.exec(text)
  if (m === null) throw new MatcherError(`bad matcher ${JSON.stringify(text)}: expected name="value"`)
  return { name: m[1]!, type: m[2] as MatchType, value: unquote(m[3]!, text) }
}

/** Several matchers: `{a="b", c=~"d"}` (braces optional), comma-separated outside quotes. */
export function parseMatchers(text: string): LabelMatcher[] {
  let body = text.trim()
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) throw new MatcherError(`bad matchers ${JSON.stringify(text)}: missing "}"`)
    body = body.slice(1, -1)
  }
  const out: LabelMatcher[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i <= body.length; i++) {
    const c = body[i]
    if (quoted && c === '\\') i++
    else if (c === '"') quoted = !quoted
    else if (!quoted && (c === ',' || c === undefined)) {
      const part = body.slice(start, i)
      if (part.trim() !== '') out.push(parseMatcher(part))
      start = i + 1
    }
  }
  return out
}

function unquote(raw: string, text: string): string {
  if (!raw.startsWith('"')) return raw
  if (raw.length < 2 || !raw.endsWith('"')) {
    throw new MatcherError(`bad matcher ${JSON.stringify(text)}: unterminated quoted value`)
  }
  try {
    return JSON.parse(raw) as string
  } catch {
    throw new MatcherError(`bad matcher ${JSON.stringify(text)}: bad escape in the quoted value`)
  }
}

function compileRegex(pattern: string): RegExp {
  try {
    return compileRe2(pattern)
  } catch (err) {
    throw new MatcherError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`)
  }
}
