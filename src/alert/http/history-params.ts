import { QueryParamError, parseTimeRange } from '../../query/sql/index.js'
import type { AlertHistoryCursor, AlertHistoryQuery } from '../../store/index.js'

export const HISTORY_LIMIT_DEFAULT = 100
export const HISTORY_LIMIT_MAX = 10_000
/** Without `start`, the day up to `end`. */
const DEFAULT_LOOKBACK_MS = 24 * 3_600_000
const NS_PER_MS = 1_000_000n
const FINGERPRINT = /^[0-9a-f]{16}$/

/** A fingerprint from a path or parameter: 16 lower-case hex digits, else a QueryParamError naming `name`. */
export function parseFingerprint(value: string, name: string): string {
  if (!FINGERPRINT.test(value)) {
    throw new QueryParamError(
      name,
      `${JSON.stringify(value)} is not an alert fingerprint (16 hex digits, lower case)`,
    )
  }
  return value
}

/**
 * The parameters of `GET /api/v1/alerts/history`: `start`, `end` (unix seconds or RFC 3339, both
 * inclusive; default the day up to now), `fingerprint` (one alert), `limit` (default 100, at most
 * 10,000), `cursor` (`nextCursor` of the previous page). Throws QueryParamError naming the parameter.
 */
export function parseHistoryQuery(params: URLSearchParams, nowMs: number): AlertHistoryQuery {
  const { startNs, endNs } = parseTimeRange(params, nowMs, DEFAULT_LOOKBACK_MS)
  const fingerprint = single(params, 'fingerprint')
  const cursor = single(params, 'cursor')
  return {
    // Stored times are whole ms: the range keeps the ms inside [start, end].
    startMs: Number((startNs + NS_PER_MS - 1n) / NS_PER_MS),
    endMs: Number(endNs / NS_PER_MS),
    ...(fingerprint === undefined ? {} : { fingerprint: parseFingerprint(fingerprint, 'fingerprint') }),
    limit: parseLimit(single(params, 'limit')),
    ...(cursor === undefined ? {} : { after: decodeHistoryCursor(cursor) }),
  }
}

const CURSOR = /^h1:(-?\d{1,16}):([a-z]{1,16}):([0-9a-f]{16})$/

/** The opaque `nextCursor` (base64url) of a page that ended at `c`. */
export function encodeHistoryCursor(c: AlertHistoryCursor): string {
  return Buffer.from(`h1:${c.atMs}:${c.to}:${c.fingerprint}`, 'utf8').toString('base64url')
}

function decodeHistoryCursor(value: string): AlertHistoryCursor {
  const m = /^[A-Za-z0-9_-]+$/.test(value)
    ? CURSOR.exec(Buffer.from(value, 'base64url').toString('utf8'))
    : null
  if (m === null) {
    throw new QueryParamError(
      'cursor',
      'is not a cursor returned by this API; pass nextCursor from the previous page',
    )
  }
  return { atMs: Number(m[1]), to: m[2]!, fingerprint: m[3]! }
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name)
  if (all.length > 1) throw new QueryParamError(name, `given ${all.length} times; give it at most once`)
  if (all[0] === '') throw new QueryParamError(name, 'is empty; give a value or leave the parameter out')
  return all[0]
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return HISTORY_LIMIT_DEFAULT
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new QueryParamError('limit', `"${raw}" is not a positive integer`)
  if (Number(raw) > HISTORY_LIMIT_MAX) {
    throw new QueryParamError('limit', `${raw} is above the maximum of ${HISTORY_LIMIT_MAX}`)
  }
  return Number(raw)
}
