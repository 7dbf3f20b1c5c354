import { PipelineError } from '../../core/index.js'

/** One `timestamp,value` CSV (NAB's format) as columns; the text of each timestamp is kept verbatim. */
export interface MetricCsv {
  readonly timestamps: readonly string[]
  readonly valueTexts: readonly string[]
  readonly timeMs: Float64Array
  readonly values: Float64Array
}

function csvError(file: string, line: number, what: string): PipelineError {
  return new PipelineError(`${file}:${line}: ${what}`, {
    code: 'detect.bad_csv',
    domain: 'user',
    retryable: false,
  })
}

/**
 * Parses a timestamp: `YYYY-MM-DD HH:MM:SS[.fff]` or ISO 8601 (UTC unless it carries an offset),
 * or a number of seconds (< 1e11) or milliseconds since the epoch. NaN when it is none of those.
 */
export function parseTimestamp(text: string): number {
  const t = text.trim()
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t)
    return Math.abs(n) < 1e11 ? n * 1000 : n
  }
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(t)
  if (m === null) return Number.NaN
  return Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`)
}

/** Reads a CSV with a header naming `timestamp` and `value` columns (others are ignored). */
export function parseMetricCsv(text: string, file: string): MetricCsv {
  const lines = text.split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop()
  if (lines.length === 0) throw csvError(file, 1, 'empty file; expected a header "timestamp,value"')
  const header = lines[0]!
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().replace(/^"|"$/g, ''))
  const tCol = header.indexOf('timestamp')
  const vCol = header.indexOf('value')
  if (tCol < 0 || vCol < 0) {
    throw csvError(
      file,
      1,
      `header "${lines[0]}" lacks ${tCol < 0 ? '"timestamp"' : '"value"'}; expected "timestamp,value"`,
    )
  }
  const n = lines.length - 1
  const timestamps: string[] = new Array<string>(n)
  const valueTexts: string[] = new Array<string>(n)
  const timeMs = new Float64Array(n)
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const fields = lines[i + 1]!.split(',')
    const ts = fields[tCol]?.trim().replace(/^"|"$/g, '')
    const vt = fields[vCol]?.trim().replace(/^"|"$/g, '')
    if (ts === undefined || vt === undefined)
      throw csvError(file, i + 2, `expected ${header.length} fields, got ${fields.length}`)
    const t = parseTimestamp(ts)
    if (Number.isNaN(t)) throw csvError(file, i + 2, `timestamp "${ts}" is not a date-time or epoch number`)
    const v = vt === '' || /^nan$/i.test(vt) ? Number.NaN : Number(vt)
    if (Number.isNaN(v) && vt !== '' && !/^nan$/i.test(vt))
      throw csvError(file, i + 2, `value "${vt}" is not a number`)
    timestamps[i] = ts
    valueTexts[i] = vt
    timeMs[i] = t
    values[i] = v
  }
  return { timestamps, valueTexts, timeMs, values }
}
