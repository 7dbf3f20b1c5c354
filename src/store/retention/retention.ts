import type { DuckDBConnection } from '@duckdb/node-api'

export const DAY_MS = 86_400_000

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

/** The raw tables and the column their age is measured by; result tables use `window_start_ms`. */
const RAW_TABLES: readonly (readonly [string, string])[] = [
  ['samples', 'ts_ms'],
  ['logs', 'time_ms'],
  ['spans', 'start_ms'],
]

export interface RetentionReport {
  /** Rows deleted, per table (tables with none deleted are absent). */
  readonly deleted: Readonly<Record<string, number>>
}

/**
 * Deletes, per table and tenant, the rows of every UTC day that ended at least the retention ago:
 * rows with time < floor((now − retention) / 1 day) · 1 day. Whole days go together (the unit the
 * archive will export), so a row stays up to a day past its retention. One transaction per
 * (table, tenant): a crash leaves each either done or not begun.
 */
export async function applyRetention(
  c: DuckDBConnection,
  policy: RetentionPolicy,
  nowMs: number,
): Promise<RetentionReport> {
  const tables: [string, string][] = RAW_TABLES.map(([t, col]) => [t, col])
  const results = await c.runAndReadAll('SELECT name FROM result_tables ORDER BY name')
  for (const [name] of results.getRows()) tables.push([String(name), 'window_start_ms'])
  const deleted: Record<string, number> = {}
  for (const [table, column] of tables) {
    const tenants = await c.runAndReadAll(`SELECT tenant, min("${column}") FROM "${table}" GROUP BY tenant`)
    for (const [tenantValue, oldest] of tenants.getRows()) {
      const tenant = String(tenantValue)
      const before = Math.floor((nowMs - retentionFor(policy, tenant, table)) / DAY_MS) * DAY_MS
      if (!(Number(oldest) < before)) continue
      await c.run('BEGIN TRANSACTION')
      try {
        const res = await c.run(`DELETE FROM "${table}" WHERE tenant = $1 AND "${column}" < $2`, [
          tenant,
          column === 'ts_ms' ? before : BigInt(before),
        ])
        await c.run('COMMIT')
        deleted[table] = (deleted[table] ?? 0) + Number(res.rowsChanged)
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined)
        throw err
      }
    }
  }
  return { deleted }
}
