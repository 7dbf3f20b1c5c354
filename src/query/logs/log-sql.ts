import type { DuckDBType } from '@duckdb/node-api'
import { keysetCondition } from '../sql/keyset.js'
import { SqlParams } from '../sql/sql-params.js'
import type { SqlValue } from '../sql/sql-params.js'
import { splitNanos } from '../sql/time-format.js'
import { attrCondition } from './attr-matcher.js'
import type { LogQuery } from './log-query.js'

/** The sort key of a log row; unique per stored row (src_* say where in the ingest log it came from). */
const SORT_KEY = ['time_ms', 'time_nanos', 'src_partition', 'src_offset', 'row_index'] as const

export const LOG_COLUMNS = [
  ...SORT_KEY,
  'observed_time_ms',
  'service',
  'severity_number',
  'severity_text',
  'body',
  'attributes',
  'resource',
  'scope',
  'trace_id',
  'span_id',
  'template_id',
] as const

/**
 * The SELECT of one page of `q` for `tenant`: every value bound, rows in the page's order, one row
 * more than the limit (its presence says there is a next page).
 */
export function logPageSql(
  tenant: string,
  q: LogQuery,
): { sql: string; values: SqlValue[]; types: DuckDBType[] } {
  const p = new SqlParams()
  const where = [`tenant = ${p.add(tenant)}`]
  const start = splitNanos(q.startNs)
  const end = splitNanos(q.endNs)
  const sMs = p.add(start.ms)
  const eMs = p.add(end.ms)
  where.push(`time_ms >= ${sMs} AND (time_ms > ${sMs} OR time_nanos >= ${p.add(start.nanos)})`)
  where.push(`time_ms <= ${eMs} AND (time_ms < ${eMs} OR time_nanos <= ${p.add(end.nanos)})`)
  if (q.services.length > 0) where.push(`service IN (${p.list(q.services)})`)
  if (q.minSeverity !== undefined) where.push(`severity_number >= ${p.add(q.minSeverity)}`)
  for (const m of q.attrs) where.push(attrCondition(m, p))
  if (q.contains !== undefined) where.push(`contains(body, ${p.add(q.contains)})`)
  if (q.regex !== undefined) where.push(`regexp_matches(body, ${p.add(q.regex)})`)
  if (q.traceId !== undefined) where.push(`trace_id = ${p.add(q.traceId)}`)
  if (q.templateId !== undefined) where.push(`template_id = ${p.add(q.templateId)}`)
  const op = q.direction === 'backward' ? '<' : '>'
  if (q.cursor !== undefined) {
    const c = q.cursor
    const at = [p.add(c.timeMs), p.add(c.timeNanos), p.add(c.partition), p.add(c.offset), p.add(c.rowIndex)]
    where.push(keysetCondition(SORT_KEY, at, op))
  }
  const order = SORT_KEY.map((col) => `${col} ${q.direction === 'backward' ? 'DESC' : 'ASC'}`).join(', ')
  const sql = `SELECT ${LOG_COLUMNS.join(', ')} FROM logs
    WHERE ${where.map((w) => `(${w})`).join('\n      AND ')}
    ORDER BY ${order}
    LIMIT ${p.add(q.limit + 1)}`
  return { sql, values: p.values, types: p.types }
}
