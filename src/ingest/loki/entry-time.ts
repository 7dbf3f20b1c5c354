/**
 * Loki entry timestamps as the exact `timeMs` + `timeNanos` pair of a LogRow (core/batch). Epoch
 * nanoseconds overflow a double's exact range, so they are split as text (JSON) or computed from
 * the seconds and nanos of a `google.protobuf.Timestamp` (protobuf), never multiplied out.
 */
export interface EntryTime {
  readonly timeMs: number
  readonly timeNanos: number
}

const NS_TEXT = /^\d{1,19}$/
const MAX_INT64_TEXT = '9223372036854775807'

/** A JSON timestamp, unix epoch ns as a decimal string (0 to 2^63-1); undefined when invalid. */
export function timeFromNanosText(v: unknown): EntryTime | undefined {
  if (typeof v !== 'string' || !NS_TEXT.test(v)) return undefined
  if (v.length === 19 && v > MAX_INT64_TEXT) return undefined
  return {
    timeMs: v.length > 6 ? Number(v.slice(0, -6)) : 0,
    timeNanos: Number(v.slice(-6)),
  }
}

/** The range of a valid `google.protobuf.Timestamp`: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800
const MAX_SECONDS = 253_402_300_799

/** A protobuf Timestamp; undefined when out of the Timestamp range or `nanos` ∉ [0, 1e9). */
export function timeFromTimestamp(seconds: number, nanos: number): EntryTime | undefined {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) return undefined
  return { timeMs: seconds * 1000 + Math.floor(nanos / 1e6), timeNanos: nanos % 1e6 }
}
