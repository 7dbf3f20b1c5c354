import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { DuckDBConnection } from '@duckdb/node-api'
import { PipelineError } from '../../core/index.js'
import type { Clock } from '../../core/index.js'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js'
import type { Migration } from './migrations.js'

/** What `openStoreDatabase` did to the schema. */
export interface MigrationReport {
  readonly from: number
  readonly to: number
}

/**
 * The store's DuckDB database: one file (one writer process, as DuckDB allows), migrated to the
 * code's schema on open. `connect()` gives further connections (the sink writes on one, queries
 * read on others; DuckDB isolates them with MVCC).
 */
export class StoreDatabase {
  readonly #instance: DuckDBInstance
  readonly connection: DuckDBConnection
  readonly path: string
  readonly migrated: MigrationReport
  #closed = false

  private constructor(
    path: string,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    m: MigrationReport,
  ) {
    this.path = path
    this.#instance = instance
    this.connection = connection
    this.migrated = m
  }

  /**
   * Opens (creating it and its directory when absent) and migrates the database at `path`
   * (`:memory:` for a throwaway one). Rejects with `StoreError` `store_schema_too_new` when the file
   * was written by a newer Vigil, and `store_open_failed` when DuckDB cannot open it (another
   * process holds it, a damaged file).
   */
  static async open(
    path: string,
    options: { readonly clock: Clock; readonly migrations?: readonly Migration[] },
  ): Promise<StoreDatabase> {
    const migrations = options.migrations ?? MIGRATIONS
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true })
    let instance: DuckDBInstance
    try {
      instance = await DuckDBInstance.create(path)
    } catch (err) {
      throw new StoreError(`cannot open the store database ${path}: ${(err as Error).message}`, {
        code: 'store_open_failed',
        cause: err,
      })
    }
    const connection = await instance.connect()
    try {
      const report = await migrate(connection, migrations, options.clock)
      return new StoreDatabase(path, instance, connection, report)
    } catch (err) {
      connection.closeSync()
      instance.closeSync()
      throw err
    }
  }

  connect(): Promise<DuckDBConnection> {
    return this.#instance.connect()
  }

  /** The applied schema version. */
  async schemaVersion(): Promise<number> {
    return currentVersion(this.connection)
  }

  /** Closes the connection and the database (checkpointing DuckDB's WAL). Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.connection.closeSync()
    this.#instance.closeSync()
  }
}

export class StoreError extends PipelineError {
  constructor(message: string, o: { code: string; cause?: unknown; retryable?: boolean }) {
    super(message, {
      code: o.code,
      domain: 'internal',
      retryable: o.retryable ?? false,
      ...(o.cause === undefined ? {} : { cause: o.cause }),
    })
  }
}

/** Applies the migrations past the database's version, each in its own transaction. */
async function migrate(
  c: DuckDBConnection,
  migrations: readonly Migration[],
  clock: Clock,
): Promise<MigrationReport> {
  await c.run(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at_ms BIGINT NOT NULL)`)
  const from = await currentVersion(c)
  const known = migrations[migrations.length - 1]?.version ?? 0
  if (from > known) {
    throw new StoreError(
      `the store database has schema version ${from}, newer than this Vigil knows (${known}): ` +
        'run the Vigil version that wrote it, or a newer one',
      { code: 'store_schema_too_new' },
    )
  }
  for (const m of migrations) {
    if (m.version <= from) continue
    await c.run('BEGIN TRANSACTION')
    try {
      for (const sql of m.statements) await c.run(sql)
      await c.run('INSERT INTO schema_version VALUES ($1, $2, $3)', [
        m.version,
        m.description,
        BigInt(Math.round(clock.nowMs())),
      ])
      await c.run('COMMIT')
    } catch (err) {
      await c.run('ROLLBACK')
      throw new StoreError(
        `store migration ${m.version} (${m.description}) failed: ${(err as Error).message}`,
        {
          code: 'store_migration_failed',
          cause: err,
        },
      )
    }
  }
  return { from, to: Math.max(from, known) }
}

async function currentVersion(c: DuckDBConnection): Promise<number> {
  const reader = await c.runAndReadAll('SELECT coalesce(max(version), 0) FROM schema_version')
  return Number(reader.getRows()[0]![0])
}

export { SCHEMA_VERSION }
