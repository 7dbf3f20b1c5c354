import type { DuckDBConnection } from '@duckdb/node-api'
import type { Matcher } from '../promql/ast.js'
import { QueryParamError } from '../sql/query-error.js'
import { checkRegexes } from '../sql/regex-check.js'
import { NS_PER_MS, parseTimeRange } from '../sql/time-param.js'
import { parseLimit, repeatedParam, singleParam } from '../sql/url-params.js'
import { withTimeout } from '../sql/with-timeout.js'
import { decodeAnomalyCursor, encodeAnomalyCursor } from './anomaly-cursor.js'
import type { AnomalyCursor } from './anomaly-cursor.js'
import { anomalyEntryOf, cursorAfter } from './anomaly-entry.js'
import type { AnomalyEntry } from './anomaly-entry.js'
import { anomalyPageSql } from './anomaly-sql.js'
import { parseSeriesMatch, selectorRegexes } from './series-match.js'

export const ANOMALY_LIMIT_DEFAULT = 100
export const ANOMALY_LIMIT_MAX = 10_000
const DEFAULT_LOOKBACK_MS = 3_600_000
const SCORE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/
const TIMEOUT_HINT =
  'narrow the query: a shorter time range (start/end), a source, feature, key or match, a min_score, or a smaller limit'

/** A parsed anomalies query; every condition is ANDed, a list's values are ORed. */
export interface AnomalyQuery {
  /** The range of the scored windows' end times, epoch ms, both ends inclusive. */
  readonly startMs: bigint
  readonly endMs: bigint
  /** Only points scored at least this (NaN scores never); absent: no minimum. */
  readonly minScore?: number
  /** Only points on which the alerting policy fired (true) or did not (false). */
  readonly alert?: boolean
  readonly sources: readonly string[]
  readonly features: readonly string[]
  /** One result key, exactly. */
  readonly key?: string
  /** Series selectors on the key's labels (any of them). */
  readonly match: readonly (readonly Matcher[])[]
  readonly limit: number
  readonly cursor?: AnomalyCursor
}

/** A page of anomalies, newest first; `nextCursor` (null on the last page) continues the same query. */
export interface AnomalyPage {
  readonly anomalies: AnomalyEntry[]
  readonly nextCursor: string | null
}

/**
 * Parses the anomalies query parameters: `start`, `end` (unix seconds or RFC 3339; default the hour
 * up to `nowMs`), `min_score` (a number in [0, 1]), `alert` (`true` or `false`), `source`* and
 * `feature`* (OR within each), `key` (exact), `match`* (PromQL series selectors on the key's labels;
 * OR), `limit` (default 100, max 10,000), `cursor`. Throws QueryParamError naming the parameter.
 */
export function parseAnomalyQuery(params: URLSearchParams, nowMs: number): AnomalyQuery {
  const { startNs, endNs } = parseTimeRange(params, nowMs, DEFAULT_LOOKBACK_MS)
  const minScore = singleParam(params, 'min_score')
  const alert = singleParam(params, 'alert')
  const key = singleParam(params, 'key')
  const rawCursor = singleParam(params, 'cursor')
  return {
    // Stored times are whole ms: the range keeps the ms inside [start, end].
    startMs: (startNs + NS_PER_MS - 1n) / NS_PER_MS,
    endMs: endNs / NS_PER_MS,
    ...(minScore === undefined ? {} : { minScore: parseScore(minScore) }),
    ...(alert === undefined ? {} : { alert: parseBoolean(alert, 'alert') }),
    sources: repeatedParam(params, 'source'),
    features: repeatedParam(params, 'feature'),
    ...(key === undefined ? {} : { key }),
    match: repeatedParam(params, 'match').map((m) => parseSeriesMatch(m, 'match')),
    limit: parseLimit(params, 'limit', ANOMALY_LIMIT_DEFAULT, ANOMALY_LIMIT_MAX),
    ...(rawCursor === undefined ? {} : { cursor: decodeAnomalyCursor(rawCursor, 'cursor') }),
  }
}

/**
 * Runs `q` over `tenant`'s anomalies (the tenant is always a bound parameter): one page, newest
 * first. Rejects with QueryParamError when a `match` regex is not valid RE2, and with
 * QueryTimeoutError when the query runs past `opts.timeoutMs` (it is cancelled).
 */
export async function queryAnomalies(
  c: DuckDBConnection,
  tenant: string,
  q: AnomalyQuery,
  opts: { readonly timeoutMs: number },
): Promise<AnomalyPage> {
  const { sql, values, types } = anomalyPageSql(tenant, q)
  const rows = await withTimeout(
    c,
    opts.timeoutMs,
    async (read) => {
      await checkRegexes(read, selectorRegexes(q.match, 'match'))
      return (await read(sql, values, types)).getRowObjects()
    },
    TIMEOUT_HINT,
  )
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    anomalies: page.map(anomalyEntryOf),
    nextCursor: rows.length > q.limit && last !== undefined ? encodeAnomalyCursor(cursorAfter(last)) : null,
  }
}

function parseScore(value: string): number {
  const n = SCORE.test(value) ? Number(value) : NaN
  if (!(n >= 0 && n <= 1)) {
    throw new QueryParamError('min_score', `"${value}" is not a score: give a number from 0 to 1, like 0.9`)
  }
  return n
}

function parseBoolean(value: string, name: string): boolean {
  if (value === 'true') return true
  if (value === 'false') return false
  throw new QueryParamError(name, `"${value}" is neither true nor false`)
}
