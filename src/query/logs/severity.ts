import { QueryParamError } from '../sql/query-error.js'

/** The lowest OTLP SeverityNumber of each named level (TRACE 1–4, DEBUG 5–8, … FATAL 21–24). */
export const SEVERITY_LEVELS: Readonly<Record<string, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
}

/**
 * The `severity` parameter, a minimum: an OTLP SeverityNumber 1–24 or a level name (any case),
 * which stands for the lowest number of its range (`warn` → 13).
 */
export function parseSeverity(value: string, name: string): number {
  const level = SEVERITY_LEVELS[value.toLowerCase()]
  if (level !== undefined) return level
  if (/^\d+$/.test(value)) {
    const n = Number(value)
    if (n >= 1 && n <= 24) return n
  }
  throw new QueryParamError(
    name,
    `"${value}" is not a severity: give a number from 1 to 24 or one of ${Object.keys(SEVERITY_LEVELS).join(', ')}`,
  )
}
