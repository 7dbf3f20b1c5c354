/**
 * The time of an event from its `time` (else `timestamp`) field, as integer epoch ms:
 * - an RFC 3339 string, `2024-05-01T12:00:00.123Z` or with an offset `+02:00` (`t` or a space may
 *   replace `T`; fractions beyond ms are dropped);
 * - a number: epoch ms when it is above 1e11 (any time after 1973-03-03 in ms), else epoch seconds;
 *   rounded to the nearest ms.
 * Absent or null → `receivedAtMs`. Anything else → undefined (the event is rejected). Pure
 * arithmetic, no Date parsing (whose accepted formats differ between engines).
 */
export function eventTimeMs(
  event: Readonly<Record<string, unknown>>,
  receivedAtMs: number,
): number | undefined {
  const v = event.time ?? event.timestamp
  if (v === undefined || v === null) return receivedAtMs
  if (typeof v === 'number') {
    const ms = Math.round(v > 1e11 ? v : v * 1000)
    return Math.abs(ms) <= MAX_EPOCH_MS ? ms : undefined
  }
  return typeof v === 'string' ? parseRfc3339(v) : undefined
}

/** The range of a JS Date, ±100,000,000 days around 1970. */
const MAX_EPOCH_MS = 8.64e15

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/

/** Epoch ms of an RFC 3339 date-time, or undefined when it is not one. */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]))
  const offsetHours = Number(m[9] ?? 0)
  const offsetMinutes = Number(m[10] ?? 0)
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth(year!, month!)) return undefined
  if (hour! > 23 || minute! > 59 || second! > 60 || offsetHours > 23 || offsetMinutes > 59) return undefined
  const ms = Number((m[7] ?? '').slice(0, 3).padEnd(3, '0'))
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  const days = daysFromCivil(year!, month!, day!)
  return ((days * 24 + hour!) * 60 + minute!) * 60_000 + second! * 1000 + ms - offset
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}
