import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { StoreError } from '../duckdb/store-database.js'

export const DAY_MS = 86_400_000

/** Where archived days go, and how long a restored day stays before it is archived again. */
export interface ArchiveSettings {
  readonly dir: string
  readonly restoreHoldMs: number
}

export interface ArchivedDay {
  readonly tenant: string
  readonly table: string
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string
  readonly parts: number
  readonly rows: number
  /** When it was restored, if it is (its rows are back in the live table). */
  readonly restoredAtMs: number | undefined
}

/** `<dir>/<tenant>/<table>/<YYYY-MM-DD>.<part>.parquet`; the tenant URI-encoded (it may hold `/`). */
export function archivePath(dir: string, tenant: string, table: string, day: number, part: number): string {
  return join(dir, encodeURIComponent(tenant), table, `${dayName(day)}.${part}.parquet`)
}

export function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` → days since 1970-01-01, or undefined. */
export function parseDay(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  const ms = Date.parse(`${text}T00:00:00Z`)
  return Number.isNaN(ms) || dayName(ms / DAY_MS) !== text ? undefined : ms / DAY_MS
}

/**
 * Archives one (table, tenant, UTC day): its rows are exported to a new Parquet part (written to a
 * temporary name and renamed), then, in one transaction, the part is listed in `archive_parts` and
 * the rows deleted. A crash before the commit leaves the rows in place and an unlisted file that
 * the next run overwrites; after it, the rows are in the archive only. Nothing is lost or doubled.
 *
 * A day that was restored is archived again as one part replacing its earlier ones (the restore put
 * all of them back into the table), and its restore mark is cleared.
 */
export async function archiveDay(
  c: DuckDBConnection,
  a: ArchiveSettings,
  table: string,
  column: string,
  tenant: string,
  day: number,
  nowMs: number,
): Promise<number> {
  const key = [tenant, table, day] as const
  const existing = (
    await c.runAndReadAll(
      'SELECT part, path FROM archive_parts WHERE tenant = $1 AND table_name = $2 AND day = $3 ORDER BY part',
      [...key],
    )
  ).getRows()
  const restored = await isRestored(c, key)
  const part = existing.length === 0 ? 0 : Number(existing[existing.length - 1]![0]) + 1
  const path = archivePath(a.dir, tenant, table, day, part)
  const where = `tenant = ${quote(tenant)} AND "${column}" >= ${day * DAY_MS} AND "${column}" < ${(day + 1) * DAY_MS}`
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.tmp`
  const copied = await c.run(
    `COPY (SELECT * FROM "${table}" WHERE ${where}) TO ${quote(tmp)} (FORMAT parquet)`,
  )
  await rename(tmp, path)
  const rows = Number(copied.rowsChanged)
  await c.run('BEGIN TRANSACTION')
  try {
    if (restored) {
      await c.run('DELETE FROM archive_parts WHERE tenant = $1 AND table_name = $2 AND day = $3', [...key])
      await c.run('DELETE FROM archive_restores WHERE tenant = $1 AND table_name = $2 AND day = $3', [...key])
    }
    await c.run('INSERT INTO archive_parts VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      ...key,
      part,
      path,
      BigInt(rows),
      BigInt(Math.round(nowMs)),
    ])
    await c.run(`DELETE FROM "${table}" WHERE ${where}`)
    await c.run('COMMIT')
  } catch (err) {
    await c.run('ROLLBACK').catch(() => undefined)
    throw err
  }
  if (restored) for (const [, old] of existing) await rm(String(old), { force: true })
  return rows
}

/**
 * Puts an archived day's rows back into its live table (every part, matched by column name) in
 * one transaction and marks it restored, so retention leaves it for `restoreHoldMs` before
 * archiving it again. Throws `StoreError` when the day is not archived or already restored.
 */
export async function restoreDay(
  c: DuckDBConnection,
  tenant: string,
  table: string,
  day: number,
  nowMs: number,
): Promise<number> {
  const key = [tenant, table, day] as const
  const parts = (
    await c.runAndReadAll(
      'SELECT path FROM archive_parts WHERE tenant = $1 AND table_name = $2 AND day = $3 ORDER BY part',
      [...key],
    )
  ).getRows()
  const what = `${table} of tenant ${tenant} on ${dayName(day)}`
  if (parts.length === 0) throw new StoreError(`${what} is not archived`, { code: 'archive_day_not_found' })
  if (await isRestored(c, key)) {
    throw new StoreError(`${what} is already restored`, { code: 'archive_day_restored' })
  }
  const files = parts.map(([p]) => quote(String(p))).join(', ')
  await c.run('BEGIN TRANSACTION')
  try {
    const inserted = await c.run(`INSERT INTO "${table}" BY NAME SELECT * FROM read_parquet([${files}])`)
    await c.run('INSERT INTO archive_restores VALUES ($1, $2, $3, $4)', [...key, BigInt(Math.round(nowMs))])
    await c.run('COMMIT')
    return Number(inserted.rowsChanged)
  } catch (err) {
    await c.run('ROLLBACK').catch(() => undefined)
    throw err
  }
}

/** The archived days, optionally of one tenant or table, oldest first. */
export async function listArchive(
  c: DuckDBConnection,
  filter: { readonly tenant?: string; readonly table?: string } = {},
): Promise<ArchivedDay[]> {
  const rows = (
    await c.runAndReadAll(
      `SELECT p.tenant, p.table_name, p.day, count(*), sum(p.rows), any_value(r.restored_at_ms)
       FROM archive_parts p LEFT JOIN archive_restores r USING (tenant, table_name, day)
       WHERE ($1 IS NULL OR p.tenant = $1) AND ($2 IS NULL OR p.table_name = $2)
       GROUP BY ALL ORDER BY p.day, p.tenant, p.table_name`,
      [filter.tenant ?? null, filter.table ?? null],
    )
  ).getRows()
  return rows.map(([tenant, table, day, parts, total, restoredAt]) => ({
    tenant: String(tenant),
    table: String(table),
    day: dayName(Number(day)),
    parts: Number(parts),
    rows: Number(total),
    restoredAtMs: restoredAt === null ? undefined : Number(restoredAt),
  }))
}

/** Days restored less than `holdMs` ago: retention leaves them alone. */
export async function heldRestoredDays(
  c: DuckDBConnection,
  table: string,
  tenant: string,
  nowMs: number,
  holdMs: number,
): Promise<Set<number>> {
  const rows = await c.runAndReadAll(
    'SELECT day, restored_at_ms FROM archive_restores WHERE tenant = $1 AND table_name = $2',
    [tenant, table],
  )
  const held = new Set<number>()
  for (const [day, at] of rows.getRows()) if (Number(at) + holdMs > nowMs) held.add(Number(day))
  return held
}

/** Whether (tenant, table, day) is marked restored. */
async function isRestored(c: DuckDBConnection, key: readonly [string, string, number]): Promise<boolean> {
  const marked = await c.runAndReadAll(
    'SELECT count(*) FROM archive_restores WHERE tenant = $1 AND table_name = $2 AND day = $3',
    [...key],
  )
  return marked.getRows()[0]![0] !== 0n
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}
