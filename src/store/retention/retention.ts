import type { DuckDBConnection } from '@duckdb/node-api'
import { DAY_MS, archiveDay, heldRestoredDays } from './archive.js'
import type { ArchiveSettings } from './archive.js'

export { DAY_MS }

/**
 * How long rows are kept, by age of their time column: per tenant and table when set there, else
 * the tenant's default, else the table's, else the default.
 */
export interface RetentionPolicy {
  readonly defaultMs: number
  readonly tables: Readonly<Record<string, number>>
  readonly tenants: Readonly<
    Record<string, { readonly defaultMs?: number; readonly tables?: Readonly<Record<string, number>> }>
  >
}

export function retentionFor(policy: RetentionPolicy, tenant: string, table: string): number {
  const t = policy.tenants[tenant]
  return t?.tables?.[table] ?? t?.defaultMs ?? policy.tables[table] ?? policy.defaultMs
}

/**
 * The fixed tables (raw telemetry, anomalies, alert history) and the column their age is measured by; result
 * tables (one per job and window size) use `window_start_ms`.
 */
const FIXED_TABLES: readonly (readonly [string, string])[] = [
  ['samples', 'ts_ms'],
  ['logs', 'time_ms'],
  ['spans', 'start_ms'],
  ['anomalies', 'time_ms'],
  ['alert_history', 'at_ms'],
]

export interface RetentionReport {
  /** Rows deleted, per table (tables with none deleted are absent); archived ones included. */
  readonly deleted: Readonly<Record<string, number>>
  /** Rows exported to Parquet before their deletion, per table. */
  readonly archived: Readonly<Record<string, number>>
}

/**
 * Deletes, per table and tenant, the rows of every UTC day that ended at least the retention ago:
 * rows with time < floor((now − retention) / 1 day) · 1 day. Whole days go together (the unit of
 * the archive), so a row stays up to a day past its retention. With `archive`, each expired day is
 * first exported to Parquet (archive.ts: `archiveDay`, one transaction per day); without, one
 * transaction per (table, tenant). A crash leaves each unit either done or not begun. Days restored
 * from the archive less than `archive.restoreHoldMs` ago are left alone.
 */
export async function applyRetention(
  c: DuckDBConnection,
  policy: RetentionPolicy,
  nowMs: number,
  archive?: ArchiveSettings,
): Promise<RetentionReport> {
  const tables: [string, string][] = FIXED_TABLES.map(([t, col]) => [t, col])
  const results = await c.runAndReadAll('SELECT name FROM result_tables ORDER BY name')
  for (const [name] of results.getRows()) tables.push([String(name), 'window_start_ms'])
  const deleted: Record<string, number> = {}
  const archived: Record<string, number> = {}
  const add = (to: Record<string, number>, table: string, n: number): void => {
    if (n > 0) to[table] = (to[table] ?? 0) + n
  }
  for (const [table, column] of tables) {
    const tenants = await c.runAndReadAll(`SELECT tenant, min("${column}") FROM "${table}" GROUP BY tenant`)
    for (const [tenantValue, oldest] of tenants.getRows()) {
      const tenant = String(tenantValue)
      const before = Math.floor((nowMs - retentionFor(policy, tenant, table)) / DAY_MS) * DAY_MS
      if (!(Number(oldest) < before)) continue
      const held = await heldRestoredDays(c, table, tenant, nowMs, archive?.restoreHoldMs ?? 0)
      if (archive !== undefined) {
        const days = await c.runAndReadAll(
          `SELECT DISTINCT floor("${column}" / ${DAY_MS})::BIGINT FROM "${table}"
           WHERE tenant = $1 AND "${column}" < ${before} ORDER BY 1`,
          [tenant],
        )
        for (const [d] of days.getRows()) {
          const day = Number(d)
          if (held.has(day)) continue
          const n = await archiveDay(c, archive, table, column, tenant, day, nowMs)
          add(archived, table, n)
          add(deleted, table, n)
        }
        continue
      }
      const keep = [...held].map(
        (d) => ` AND NOT ("${column}" >= ${d * DAY_MS} AND "${column}" < ${(d + 1) * DAY_MS})`,
      )
      await c.run('BEGIN TRANSACTION')
      try {
        const res = await c.run(
          `DELETE FROM "${table}" WHERE tenant = $1 AND "${column}" < ${before}${keep.join('')}`,
          [tenant],
        )
        await c.run('COMMIT')
        add(deleted, table, Number(res.rowsChanged))
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined)
        throw err
      }
    }
  }
  return { deleted, archived }
}
