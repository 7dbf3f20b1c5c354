import type { DuckDBType } from '@duckdb/node-api'
import { keysetCondition } from '../sql/keyset.js'
import { SqlParams } from '../sql/sql-params.js'
import type { SqlValue } from '../sql/sql-params.js'
import type { AnomalyQuery } from './anomaly-query.js'
import { keyLabelListSql } from './key-labels.js'
import { selectorsCondition } from './series-match.js'

/** The sort key of an anomaly row, newest first; unique per stored row (src_* say where it came from). */
const SORT_KEY = ['time_ms', 'src_partition', 'src_offset', 'row_index'] as const

export const ANOMALY_COLUMNS = [
  ...SORT_KEY,
  'source',
  'key',
  'feature',
  'window_ms',
  'value',
  'score',
  'alert',
  'novelty',
  'level_z',
  'seasonal_z',
  'change_point',
  'detected_at_ms',
] as const

/**
 * The SELECT of one page of `q` for `tenant`: every user-supplied value bound, rows newest first,
 * one row more than the limit (its presence says there is a next page).
 *
 * With `match`, the selectors are evaluated once per distinct (source, key) in the range, on the
 * labels decoded from the key in SQL (`keyLabelListSql`), and the page keeps the rows of the keys
 * that match: the label decoding and the regexes run per series, not per row.
 */
export function anomalyPageSql(
  tenant: string,
  q: AnomalyQuery,
): { sql: string; values: SqlValue[]; types: DuckDBType[] } {
  const p = new SqlParams()
  // Conditions on the key's rows, shared by the page and the key selection (placeholders reused).
  const base = [`tenant = ${p.add(tenant)}`, `time_ms >= ${p.add(q.startMs)}`, `time_ms <= ${p.add(q.endMs)}`]
  if (q.sources.length > 0) base.push(`source IN (${p.list(q.sources)})`)
  if (q.features.length > 0) base.push(`feature IN (${p.list(q.features)})`)
  if (q.key !== undefined) base.push(`key = ${p.add(q.key)}`)
  const where = [...base]
  // The score is a double, so it cannot be bound as SqlParams' integers; it was parsed as a finite
  // number in [0, 1], so its decimal text is safe, and parsing text gives the same double back.
  // A NaN score (DuckDB sorts NaN above every number) never passes a minimum.
  if (q.minScore !== undefined) {
    where.push(`score >= CAST('${String(q.minScore)}' AS DOUBLE) AND NOT isnan(score)`)
  }
  if (q.alert !== undefined) where.push(`alert = ${q.alert ? 'TRUE' : 'FALSE'}`)
  let withClause = ''
  if (q.match.length > 0) {
    const matched = selectorsCondition(q.match, 'l', p)
    withClause = `WITH matched AS (
      SELECT source, key FROM (
        SELECT source, key, ${keyLabelListSql()} AS l
        FROM (SELECT DISTINCT source, key FROM anomalies WHERE ${conjunction(base)})
      ) WHERE ${matched})
    `
    where.push('(source, key) IN (SELECT source, key FROM matched)')
  }
  if (q.cursor !== undefined) {
    const c = q.cursor
    const at = [p.add(c.timeMs), p.add(c.partition), p.add(c.offset), p.add(c.rowIndex)]
    where.push(keysetCondition(SORT_KEY, at, '<'))
  }
  const order = SORT_KEY.map((col) => `${col} DESC`).join(', ')
  const sql = `${withClause}SELECT ${ANOMALY_COLUMNS.join(', ')} FROM anomalies
    WHERE ${conjunction(where)}
    ORDER BY ${order}
    LIMIT ${p.add(q.limit + 1)}`
  return { sql, values: p.values, types: p.types }
}

function conjunction(conditions: readonly string[]): string {
  return conditions.map((c) => `(${c})`).join('\n      AND ')
}
