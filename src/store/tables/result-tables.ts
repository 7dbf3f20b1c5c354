import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import type { ResultBatch, ResultRow } from '../../core/batch/index.js'
import { appendColumns } from '../duckdb/append-columns.js'

/**
 * Engine results, one table per job and window size (`rollups_10s`, `rollups_1m`, `red_1m`,
 * `log_counts_1m`): a window size's rows are queried and expired together, and per-table retention
 * keeps the 1 m rollups longer than the 10 s ones.
 *
 * Every revision of a window is a row (revisions come only from late data within the allowed
 * lateness, so they are rare); the current result of a window is its highest revision. Each row
 * names where it came from (`src_partition`, `src_offset`, `row_index` in that record), which is
 * unique per row: exactly-once shows as no two rows sharing it.
 */
const COLUMNS: readonly (readonly [string, string, DuckDBType])[] = [
  ['tenant', 'VARCHAR NOT NULL', VARCHAR],
  ['key', 'VARCHAR NOT NULL', VARCHAR],
  ['window_start_ms', 'BIGINT NOT NULL', BIGINT],
  ['window_end_ms', 'BIGINT NOT NULL', BIGINT],
  ['revision', 'INTEGER NOT NULL', INTEGER],
  ['final', 'BOOLEAN NOT NULL', BOOLEAN],
  ['count', 'DOUBLE NOT NULL', DOUBLE],
  ['sum', 'DOUBLE NOT NULL', DOUBLE],
  ['min', 'DOUBLE NOT NULL', DOUBLE],
  ['max', 'DOUBLE NOT NULL', DOUBLE],
  ['last', 'DOUBLE NOT NULL', DOUBLE],
  ['mean', 'DOUBLE NOT NULL', DOUBLE],
  ['p50', 'DOUBLE NOT NULL', DOUBLE],
  ['p90', 'DOUBLE NOT NULL', DOUBLE],
  ['p99', 'DOUBLE NOT NULL', DOUBLE],
  ['errors', 'DOUBLE NOT NULL', DOUBLE],
  ['src_partition', 'INTEGER NOT NULL', INTEGER],
  ['src_offset', 'BIGINT NOT NULL', BIGINT],
  ['row_index', 'INTEGER NOT NULL', INTEGER],
]
const TYPES = COLUMNS.map((c) => c[2])
/** The row's numbers, in COLUMNS' order from column 6. */
const VALUE_FIELDS = ['count', 'sum', 'min', 'max', 'last', 'mean', 'p50', 'p90', 'p99', 'errors'] as const

/** `rollups_10s` for (rollups, 10000): the job with `_` for anything but [a-z0-9], and the size. */
export function resultTableName(job: string, windowMs: number): string {
  return `${job.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${sizeLabel(windowMs)}`
}

/** 10000 → `10s`, 60000 → `1m`, 3600000 → `1h`, 86400000 → `1d`, 1500 → `1500ms`. */
export function sizeLabel(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ]
  for (const [unit, suffix] of units) if (ms % unit === 0) return `${ms / unit}${suffix}`
  return `${ms}ms`
}

/**
 * Writes the rows of one result record (topic partition `partition`, offset `offset`) into their
 * tables, creating a table and listing it in `result_tables` on first use. Call inside the
 * transaction that also stores the consumed offset. `known`: the tables that exist; `created`
 * collects the ones this transaction creates (they exist only if it commits).
 */
export async function writeResultBatch(
  c: DuckDBConnection,
  batch: ResultBatch,
  partition: number,
  offset: number,
  known: ReadonlySet<string>,
  created: Set<string>,
): Promise<number> {
  const bySize = new Map<number, number[]>()
  batch.rows.forEach((row, i) => {
    const rows = bySize.get(row.windowMs)
    if (rows === undefined) bySize.set(row.windowMs, [i])
    else rows.push(i)
  })
  for (const [windowMs, indexes] of bySize) {
    const table = resultTableName(batch.job, windowMs)
    if (!known.has(table) && !created.has(table)) {
      await ensureResultTable(c, table, batch.job, windowMs)
      created.add(table)
    }
    const columns: DuckDBValue[][] = COLUMNS.map(() => new Array<DuckDBValue>(indexes.length))
    indexes.forEach((i, r) => setRow(columns, r, batch.rows[i]!, partition, offset, i))
    await appendColumns(c, table, TYPES, columns, indexes.length)
  }
  return batch.rows.length
}

function setRow(
  col: DuckDBValue[][],
  r: number,
  row: ResultRow,
  partition: number,
  offset: number,
  index: number,
): void {
  // In COLUMNS' order.
  col[0]![r] = row.tenant
  col[1]![r] = row.key
  col[2]![r] = BigInt(row.windowStart)
  col[3]![r] = BigInt(row.windowEnd)
  col[4]![r] = row.revision
  col[5]![r] = row.final
  for (let k = 0; k < VALUE_FIELDS.length; k++) col[6 + k]![r] = row[VALUE_FIELDS[k]!]
  col[16]![r] = partition
  col[17]![r] = BigInt(offset)
  col[18]![r] = index
}

async function ensureResultTable(
  c: DuckDBConnection,
  table: string,
  job: string,
  windowMs: number,
): Promise<void> {
  const columns = COLUMNS.map(([name, sql]) => `"${name}" ${sql}`).join(', ')
  await c.run(`CREATE TABLE IF NOT EXISTS "${table}" (${columns})`)
  await c.run('INSERT INTO result_tables VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    table,
    job,
    BigInt(windowMs),
  ])
}
