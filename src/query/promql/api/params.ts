import { parseDurationMs } from '../parse.js'
import { PromApiError } from './prom-api-error.js'

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
/** Prometheus' minTime/maxTime, which clients (Grafana among them) send for "no bound". */
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z'
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z'
export const MIN_TIME_MS = -9_223_309_901_257_974
export const MAX_TIME_MS = 9_223_309_901_257_974

/**
 * A time parameter as Prometheus parses it (`parseTime`): unix seconds as a float, the fraction
 * rounded to the millisecond, or RFC 3339 (truncated to the millisecond). Returns epoch ms.
 */
export function parsePromTime(value: string, name: string): number {
  if (FLOAT.test(value)) {
    const t = Number(value)
    const whole = Math.trunc(t)
    // Go: Modf, the fraction rounded to 1 ms, time.Unix(s, int64(frac*1e9)), then whole ms (floor).
    const frac = Math.round((t - whole) * 1000) / 1000
    const nanos = Math.trunc(frac * 1e9)
    return whole * 1000 + Math.floor(nanos / 1e6)
  }
  const m = RFC3339.exec(value)
  if (m !== null) {
    const base = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]!.toUpperCase()}`)
    if (!Number.isNaN(base)) {
      const ms = m[7] === undefined ? 0 : Number((m[7].slice(1) + '00').slice(0, 3))
      return base + ms
    }
  }
  if (value === MIN_TIME_TEXT) return MIN_TIME_MS
  if (value === MAX_TIME_TEXT) return MAX_TIME_MS
  throw PromApiError.param(name, `cannot parse ${JSON.stringify(value)} to a valid timestamp`)
}

/** A duration parameter (`step`, `timeout`): float seconds or a Prometheus duration. Returns ms. */
export function parsePromDuration(value: string, name: string): number {
  if (FLOAT.test(value)) {
    const ms = Number(value) * 1000
    if (Math.abs(ms) > 9.2e15) {
      throw PromApiError.param(
        name,
        `cannot parse ${JSON.stringify(value)} to a valid duration. It overflows int64`,
      )
    }
    return ms
  }
  const ms = parseDurationMs(value)
  if (ms === undefined)
    throw PromApiError.param(name, `cannot parse ${JSON.stringify(value)} to a valid duration`)
  return ms
}

/** The time parameter `name`, or `fallback` when it is absent or empty. */
export function timeParam(params: URLSearchParams, name: string, fallback: number): number {
  const v = params.get(name)
  return v === null || v === '' ? fallback : parsePromTime(v, name)
}
