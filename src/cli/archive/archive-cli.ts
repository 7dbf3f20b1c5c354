import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { cac } from 'cac'
import type { CAC } from 'cac'
import { systemClock } from '../../core/index.js'
import { DEFAULT_DATA_DIR } from '../../pipeline/index.js'
import { STORE_FILE, StoreDatabase, listArchive, parseDay, restoreDay } from '../../store/index.js'
import { configureHelp } from '../help.js'
import { formatTable } from '../text-table.js'
import { UsageError } from '../usage-error.js'
import { writeStderr, writeStdout } from '../write.js'

/**
 * `vigil archive …`: the Parquet archive of the store's expired days (docs/store.md#archival).
 * Works on the store file directly, so `vigil start` must be stopped (DuckDB lets one process open
 * a file).
 */
export function createArchiveCli(version: string): CAC {
  const cli = cac('vigil archive')
  const storeOptions = (c: ReturnType<CAC['command']>): ReturnType<CAC['command']> =>
    c
      .option('--data-dir <dir>', `Data dir of the store (default: ${DEFAULT_DATA_DIR})`)
      .option('--store <file>', `The store file instead (default: <data-dir>/${STORE_FILE})`)
      .option('--tenant <tenant>', 'Only this tenant')
      .option('--table <table>', 'Only this table (samples, logs, spans, rollups_10s, …)')
  storeOptions(cli.command('list', 'List the archived days (and which are restored)'))
    .example('  $ vigil archive list --tenant acme')
    .action((options: Record<string, unknown>) => list(options))
  storeOptions(cli.command('restore', 'Bring an archived day back into its live table for querying'))
    .option('--day <YYYY-MM-DD>', 'The UTC day (required)')
    .example('  $ vigil archive restore --tenant acme --table logs --day 2026-11-02')
    .action((options: Record<string, unknown>) => restore(options))
  cli.usage('<command> [options]')
  configureHelp(cli, version)
  return cli
}

async function list(options: Readonly<Record<string, unknown>>): Promise<number> {
  const db = await openStore(options)
  try {
    const days = await listArchive(db.connection, {
      ...(typeof options['tenant'] === 'string' ? { tenant: options['tenant'] } : {}),
      ...(typeof options['table'] === 'string' ? { table: options['table'] } : {}),
    })
    if (days.length === 0) {
      await writeStderr(`Nothing archived in ${db.path} (store.archive.enabled turns archival on).\n`)
      return 0
    }
    const rows = days.map((d) => [
      d.day,
      d.tenant,
      d.table,
      String(d.parts),
      String(d.rows),
      d.restoredAtMs === undefined ? '' : new Date(d.restoredAtMs).toISOString(),
    ])
    await writeStdout(
      formatTable(
        ['DAY', 'TENANT', 'TABLE', 'PARTS', 'ROWS', 'RESTORED'].map((header) => ({ header })),
        rows,
      ),
    )
    return 0
  } finally {
    db.close()
  }
}

async function restore(options: Readonly<Record<string, unknown>>): Promise<number> {
  const tenant = options['tenant']
  const table = options['table']
  const dayText = options['day']
  if (typeof tenant !== 'string' || typeof table !== 'string' || typeof dayText !== 'string') {
    throw new UsageError('--tenant, --table and --day are required')
  }
  const day = parseDay(dayText)
  if (day === undefined) throw new UsageError(`--day ${dayText}: expected a UTC day as YYYY-MM-DD`)
  const db = await openStore(options)
  try {
    const rows = await restoreDay(db.connection, tenant, table, day, systemClock.nowMs())
    await writeStderr(
      `Restored ${rows} rows of ${table} for tenant ${tenant} on ${dayText}. They stay queryable for ` +
        'store.archive.restoreHold (default 24h) after the next `vigil start`, then go back to the archive.\n',
    )
    return 0
  } finally {
    db.close()
  }
}

async function openStore(options: Readonly<Record<string, unknown>>): Promise<StoreDatabase> {
  const dataDir = typeof options['dataDir'] === 'string' ? options['dataDir'] : DEFAULT_DATA_DIR
  const path = typeof options['store'] === 'string' ? options['store'] : join(dataDir, STORE_FILE)
  try {
    await stat(path)
  } catch {
    throw new UsageError(`No store at ${path}: pass the --data-dir that vigil start uses, or --store.`)
  }
  try {
    return await StoreDatabase.open(path, { clock: systemClock })
  } catch (err) {
    if (/lock/i.test((err as Error).message)) {
      throw new UsageError(`The store ${path} is open by another process: stop vigil start first.`)
    }
    throw err
  }
}
