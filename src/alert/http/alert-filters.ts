import { QueryParamError } from '../../query/sql/index.js'
import { alertStates } from '../alert.js'
import type { Alert, AlertState } from '../alert.js'
import { MatcherError, compileMatcher, matchesAll, parseMatchers } from '../label-matcher.js'
import type { CompiledMatcher } from '../label-matcher.js'
import type { AlertJson } from './alert-json.js'

/**
 * The filters of `GET /api/v1/alerts`, all ANDed:
 * - `state` (repeatable, ORed): `pending`, `firing`, `resolved`;
 * - `silenced`, `inhibited`, `acknowledged`: `true` keeps only the alerts that are, `false` only the
 *   ones that are not (absent: both). Unlike Alertmanager's `silenced=false` ("hide silenced"), `true`
 *   does not mean "include": it selects;
 * - `filter` (repeatable): label matchers as Alertmanager's `filter` and amtool take them,
 *   `service="checkout"`, `severity=~"page|critical"`, `env!=dev`, or several in braces
 *   `{service="checkout",env!="dev"}`; every matcher must match (a missing label is the empty value).
 */
export interface AlertFilters {
  readonly states: ReadonlySet<AlertState>
  readonly silenced?: boolean
  readonly inhibited?: boolean
  readonly acknowledged?: boolean
  readonly matchers: readonly CompiledMatcher[]
}

/** Parses the filters; a bad value is a QueryParamError naming the parameter. */
export function parseAlertFilters(params: URLSearchParams): AlertFilters {
  const states = new Set<AlertState>()
  for (const s of params.getAll('state')) {
    if (!(alertStates as readonly string[]).includes(s)) {
      throw new QueryParamError(
        'state',
        `${JSON.stringify(s)} is not a state: give ${alertStates.join(', ')}`,
      )
    }
    states.add(s as AlertState)
  }
  const matchers: CompiledMatcher[] = []
  for (const text of params.getAll('filter')) {
    try {
      const parsed = parseMatchers(text)
      if (parsed.length === 0) throw new MatcherError('no matcher in it')
      matchers.push(...parsed.map(compileMatcher))
    } catch (err) {
      if (!(err instanceof MatcherError)) throw err
      throw new QueryParamError(
        'filter',
        `${JSON.stringify(text)} is not a label matcher (like service="checkout"): ${err.message}`,
      )
    }
  }
  const silenced = booleanParam(params, 'silenced')
  const inhibited = booleanParam(params, 'inhibited')
  const acknowledged = booleanParam(params, 'acknowledged')
  return {
    states,
    matchers,
    ...(silenced === undefined ? {} : { silenced }),
    ...(inhibited === undefined ? {} : { inhibited }),
    ...(acknowledged === undefined ? {} : { acknowledged }),
  }
}

export function matchesFilters(a: AlertJson, f: AlertFilters): boolean {
  if (f.states.size > 0 && !f.states.has(a.state)) return false
  if (f.silenced !== undefined && a.silencedBy.length > 0 !== f.silenced) return false
  if (f.inhibited !== undefined && a.inhibitedBy.length > 0 !== f.inhibited) return false
  if (f.acknowledged !== undefined && (a.acknowledgedBy !== null) !== f.acknowledged) return false
  return matchesAll(f.matchers, a.labels)
}

const STATE_ORDER: Readonly<Record<AlertState, number>> = { firing: 0, pending: 1, resolved: 2 }

/** Firing first, then pending, then resolved; within a state the most recently active first. */
export function compareAlerts(a: Alert, b: Alert): number {
  return (
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    b.activeAtMs - a.activeAtMs ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  )
}

function booleanParam(params: URLSearchParams, name: string): boolean | undefined {
  const all = params.getAll(name)
  if (all.length > 1) throw new QueryParamError(name, `given ${all.length} times; give it at most once`)
  const v = all[0]
  if (v === undefined) return undefined
  if (v === 'true') return true
  if (v === 'false') return false
  throw new QueryParamError(name, `${JSON.stringify(v)} is neither true nor false`)
}
