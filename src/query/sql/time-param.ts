import { QueryParamError } from './query-error.js'

/** Nanoseconds per millisecond and per second, as bigints. */
export const NS_PER_MS = 1_000_000n
const NS_PER_S = 1_000_000_000n
/** 9999-12-31T23:59:59.999999999Z: the last instant RFC 3339 can write. */
const MAX_NS = 253_402_300_800n * NS_PER_S - 1n

const DECIMAL = /^(\d+)(?:\.(\d*))?$/
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

/**
 * Parses a time parameter as Prometheus' HTTP API does: unix seconds with an optional fraction
 * (`1700000000`, `1700000000.123456789`, exact to the nanosecond) or RFC 3339
 * (`2023-11-14T22:13:20.5Z`, `2023-11-14T23:13:20+01:00`). Returns epoch nanoseconds.
 */
export function parseTimestamp(value: string, name: string): bigint {
  const ns = parseDecimalSeconds(value) ?? parseRfc3339(value, name) ?? parseFloatSeconds(value)
  if (ns === undefined) {
    throw new QueryParamError(
      name,
      `"${value}" is not a time: give unix seconds (1700000000.5) or RFC 3339 (2023-11-14T22:13:20Z)`,
    )
  }
  if (ns < 0n) throw new QueryParamError(name, `"${value}" is before 1970-01-01T00:00:00Z`)
  if (ns > MAX_NS) throw new QueryParamError(name, `"${value}" is after the year 9999`)
  return ns
}

/** A query's time range in epoch nanoseconds, both ends inclusive. */
export interface TimeRange {
  readonly startNs: bigint
  readonly endNs: bigint
}

/**
 * The `start` and `end` parameters: `end` defaults to `nowMs`, `start` to `end` minus
 * `lookbackMs`; `start` after `end` is a QueryParamError.
 */
export function parseTimeRange(params: URLSearchParams, nowMs: number, lookbackMs: number): TimeRange {
  const rawEnd = params.getAll('end')
  const rawStart = params.getAll('start')
  const endNs = parseOptionalTime(rawEnd, 'end') ?? BigInt(Math.round(nowMs)) * NS_PER_MS
  const lookbackNs = BigInt(Math.round(lookbackMs)) * NS_PER_MS
  const startNs = parseOptionalTime(rawStart, 'start') ?? (endNs > lookbackNs ? endNs - lookbackNs : 0n)
  if (startNs > endNs) {
    throw new QueryParamError('start', `${rawStart[0] ?? ''} is after end (${rawEnd[0] ?? 'now'})`)
  }
  return { startNs, endNs }
}

function parseOptionalTime(values: string[], name: string): bigint | undefined {
  if (values.length > 1) throw new QueryParamError(name, `given ${values.length} times; give it at most once`)
  const v = values[0]
  if (v === undefined) return undefined
  if (v === '') throw new QueryParamError(name, 'is empty; give a time or leave the parameter out')
  return parseTimestamp(v, name)
}

function parseDecimalSeconds(value: string): bigint | undefined {
  const m = DECIMAL.exec(value)
  if (m === null) return undefined
  return BigInt(m[1]!) * NS_PER_S + fractionNanos(m[2] ?? '')
}

/** Other float spellings Prometheus accepts (`1.7e9`): exact to what a double holds. */
function parseFloatSeconds(value: string): bigint | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return undefined
  const s = Number(value)
  if (!Number.isFinite(s) || Math.abs(s) > 1e12) return s < 0 ? -1n : MAX_NS + 1n
  return BigInt(Math.round(s * 1e6)) * 1000n
}

function parseRfc3339(value: string, name: string): bigint | undefined {
  const m = RFC3339.exec(value)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const d = new Date(ms)
  const valid =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  if (!valid) throw new QueryParamError(name, `"${value}" is not a valid date and time`)
  let offsetMinutes = 0
  if (m[8] === undefined) {
    const sign = m[9] === '-' ? -1 : 1
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) throw new QueryParamError(name, `"${value}" has an invalid UTC offset`)
    offsetMinutes = sign * (oh * 60 + om)
  }
  return BigInt(ms - offsetMinutes * 60_000) * NS_PER_MS + fractionNanos(m[7] ?? '')
}

/** The nanoseconds of a fraction of a second's digits (beyond nine digits truncated). */
function fractionNanos(digits: string): bigint {
  return digits === '' ? 0n : BigInt(digits.slice(0, 9).padEnd(9, '0'))
}
