import type { DuckDBConnection } from '@duckdb/node-api'
import { QueryParamError } from '../sql/query-error.js'
import { checkRegexes } from '../sql/regex-check.js'
import type { RegexParam } from '../sql/regex-check.js'
import { parseTimeRange } from '../sql/time-param.js'
import { parseTraceId } from '../sql/trace-id.js'
import { parseLimit, repeatedParam, singleParam } from '../sql/url-params.js'
import { withTimeout } from '../sql/with-timeout.js'
import { parseAttrMatcher } from './attr-matcher.js'
import type { AttrMatcher } from './attr-matcher.js'
import { decodeLogCursor, encodeLogCursor, logDirections } from './log-cursor.js'
import type { LogCursor, LogDirection } from './log-cursor.js'
import { cursorAfter, logEntryOf } from './log-entry.js'
import type { LogEntry } from './log-entry.js'
import { logPageSql } from './log-sql.js'
import { parseSeverity } from './severity.js'

export const LOG_LIMIT_DEFAULT = 100
export const LOG_LIMIT_MAX = 1000
const DEFAULT_LOOKBACK_MS = 3_600_000
const INT64 = /^-?\d{1,19}$/
const TIMEOUT_HINT =
  'narrow the query: a shorter time range (start/end), a service, a higher severity, attr filters, or a smaller limit'

/** A parsed logs query; every condition is ANDed, a list's values are ORed. */
export interface LogQuery {
  /** Time range in epoch nanoseconds, both ends inclusive. */
  readonly startNs: bigint
  readonly endNs: bigint
  readonly services: readonly string[]
  /** Minimum OTLP SeverityNumber (records with 0, unspecified, never match one). */
  readonly minSeverity?: number
  readonly attrs: readonly AttrMatcher[]
  /** Case-sensitive substring of the body. */
  readonly contains?: string
  /** RE2 regular expression searched for in the body (unanchored). */
  readonly regex?: string
  readonly traceId?: string
  readonly templateId?: bigint
  readonly limit: number
  readonly cursor?: LogCursor
  readonly direction: LogDirection
}

/** A page of logs; `nextCursor` (null on the last page) continues the same query. */
export interface LogPage {
  readonly logs: LogEntry[]
  readonly nextCursor: string | null
}

/**
 * Parses the logs query parameters: `start`, `end` (unix seconds or RFC 3339; default the hour up
 * to `nowMs`), `service`* (OR), `severity` (minimum, 1–24 or trace…fatal), `attr`* (`k=v`, `k!=v`,
 * `k=~re`, `k!~re`; `resource.k` for resource attributes), `contains`, `regex`, `trace_id`,
 * `template`, `limit` (default 100, max 1000), `cursor`, `direction` (`backward` default, `forward`).
 * Throws QueryParamError naming the parameter.
 */
export function parseLogQuery(params: URLSearchParams, nowMs: number): LogQuery {
  const { startNs, endNs } = parseTimeRange(params, nowMs, DEFAULT_LOOKBACK_MS)
  const direction = parseDirection(singleParam(params, 'direction'))
  const severity = singleParam(params, 'severity')
  const contains = singleParam(params, 'contains')
  const regex = singleParam(params, 'regex')
  const traceId = singleParam(params, 'trace_id')
  const template = singleParam(params, 'template')
  const rawCursor = singleParam(params, 'cursor')
  const cursor = rawCursor === undefined ? undefined : decodeLogCursor(rawCursor, 'cursor')
  if (cursor !== undefined && cursor.direction !== direction) {
    throw new QueryParamError(
      'cursor',
      `was returned for direction=${cursor.direction}; ask for the next page with that direction`,
    )
  }
  return {
    startNs,
    endNs,
    services: repeatedParam(params, 'service'),
    ...(severity === undefined ? {} : { minSeverity: parseSeverity(severity, 'severity') }),
    attrs: repeatedParam(params, 'attr').map((a) => parseAttrMatcher(a, 'attr')),
    ...(contains === undefined ? {} : { contains }),
    ...(regex === undefined ? {} : { regex }),
    ...(traceId === undefined ? {} : { traceId: parseTraceId(traceId, 'trace_id') }),
    ...(template === undefined ? {} : { templateId: parseTemplateId(template) }),
    limit: parseLimit(params, 'limit', LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX),
    ...(cursor === undefined ? {} : { cursor }),
    direction,
  }
}

/**
 * Runs `q` over `tenant`'s logs (the tenant is always a bound parameter): one page in `q.direction`
 * order. Rejects with QueryParamError when a regex is not valid RE2, and with QueryTimeoutError
 * when the query runs past `opts.timeoutMs` (it is cancelled).
 */
export async function queryLogs(
  c: DuckDBConnection,
  tenant: string,
  q: LogQuery,
  opts: { readonly timeoutMs: number },
): Promise<LogPage> {
  const regexes: RegexParam[] = q.attrs
    .filter((m) => m.op === '=~' || m.op === '!~')
    .map((m) => ({ param: 'attr', pattern: m.value }))
  if (q.regex !== undefined) regexes.push({ param: 'regex', pattern: q.regex })
  const { sql, values, types } = logPageSql(tenant, q)
  const rows = await withTimeout(
    c,
    opts.timeoutMs,
    async (read) => {
      await checkRegexes(read, regexes)
      return (await read(sql, values, types)).getRowObjects()
    },
    TIMEOUT_HINT,
  )
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    logs: page.map(logEntryOf),
    nextCursor:
      rows.length > q.limit && last !== undefined ? encodeLogCursor(cursorAfter(last, q.direction)) : null,
  }
}

function parseDirection(value: string | undefined): LogDirection {
  if (value === undefined) return 'backward'
  const d = logDirections.find((x) => x === value)
  if (d === undefined) throw new QueryParamError('direction', `"${value}" is neither backward nor forward`)
  return d
}

function parseTemplateId(value: string): bigint {
  const n = INT64.test(value) ? BigInt(value) : undefined
  if (n === undefined || n > 9_223_372_036_854_775_807n || n < -9_223_372_036_854_775_808n) {
    throw new QueryParamError('template', `"${value}" is not a template id (a 64-bit integer)`)
  }
  return n
}
