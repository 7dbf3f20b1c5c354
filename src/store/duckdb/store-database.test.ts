import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { ALERT_HISTORY_COLUMN_TYPES } from '../tables/alert-history.js'
import { ANOMALY_COLUMN_TYPES } from '../tables/anomaly-table.js'
import { LOG_COLUMN_TYPES, SPAN_COLUMN_TYPES } from '../tables/telemetry-tables.js'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js'
import { StoreDatabase, StoreError } from './store-database.js'

const clock = new ManualClock(1_700_000_000_000)

test('a new store is migrated to the latest schema; reopening applies nothing; a newer file is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-'))
  const path = join(dir, 'store', 'vigil.duckdb')
  try {
    const first = await StoreDatabase.open(path, { clock })
    assert.deepEqual(first.migrated, { from: 0, to: MIGRATIONS[MIGRATIONS.length - 1]!.version })
    const tables = await first.connection.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    )
    assert.deepEqual(
      tables.getRows().map((r) => r[0]),
      [
        'alert_history',
        'anomalies',
        'archive_parts',
        'archive_restores',
        'logs',
        'result_tables',
        'samples',
        'schema_version',
        'series',
        'silences',
        'spans',
        'store_drops',
        'store_ledger',
        'store_offsets',
      ],
    )
    first.close()

    // One more migration only: the applied ones are recorded and not applied again.
    const v = SCHEMA_VERSION + 1
    const next = [
      ...MIGRATIONS,
      { version: v, description: 'test', statements: ['CREATE TABLE t2 (x INTEGER)'] },
    ]
    const second = await StoreDatabase.open(path, { clock, migrations: next })
    assert.deepEqual(second.migrated, { from: SCHEMA_VERSION, to: v })
    assert.equal(await second.schemaVersion(), v)
    second.close()

    await assert.rejects(StoreDatabase.open(path, { clock }), (err: unknown) => {
      assert.ok(err instanceof StoreError)
      assert.equal(err.code, 'store_schema_too_new')
      assert.ok(err.message.includes(`schema version ${v}, newer than this Vigil knows (${SCHEMA_VERSION})`))
      return true
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('a failing migration rolls back whole and names itself', async () => {
  const broken = [
    ...MIGRATIONS,
    {
      version: SCHEMA_VERSION + 1,
      description: 'half',
      statements: ['CREATE TABLE half (x INTEGER)', 'NOT SQL'],
    },
  ]
  await assert.rejects(StoreDatabase.open(':memory:', { clock, migrations: broken }), (err: unknown) => {
    assert.ok(err instanceof StoreError)
    assert.equal(err.code, 'store_migration_failed')
    assert.ok(err.message.includes(`store migration ${SCHEMA_VERSION + 1} (half) failed`))
    return true
  })
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-'))
  const path = join(dir, 'vigil.duckdb')
  try {
    await assert.rejects(StoreDatabase.open(path, { clock, migrations: broken }))
    const db = await StoreDatabase.open(path, { clock })
    assert.equal(await db.schemaVersion(), SCHEMA_VERSION)
    const half = await db.connection.runAndReadAll(
      "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'",
    )
    assert.equal(Number(half.getRows()[0]![0]), 0)
    db.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test("the log, span, anomaly and alert history writers' column types are the tables' (migration DDL and writers agree)", async () => {
  const db = await StoreDatabase.open(':memory:', { clock })
  try {
    for (const [table, types] of [
      ['logs', LOG_COLUMN_TYPES],
      ['spans', SPAN_COLUMN_TYPES],
      ['anomalies', ANOMALY_COLUMN_TYPES],
      ['alert_history', ALERT_HISTORY_COLUMN_TYPES],
    ] as const) {
      const reader = await db.connection.runAndReadAll(
        `SELECT data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
      )
      const unquote = (t: string): string => t.replaceAll('"', '')
      assert.deepEqual(
        reader.getRows().map((r) => unquote(String(r[0]))),
        types.map((t) => unquote(t.toString())),
        table,
      )
    }
  } finally {
    db.close()
  }
})

test('migration 4 moves samples written by version 3 onto series ids, keeping every row', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-'))
  const path = join(dir, 'vigil.duckdb')
  try {
    const v3 = await StoreDatabase.open(path, { clock, migrations: MIGRATIONS.slice(0, 3) })
    const up = "'__name__' || chr(0) || 'up'"
    const down = "'__name__' || chr(0) || 'down'"
    await v3.connection.run(`INSERT INTO samples VALUES
      ('a', ${up}, 1000, 1, 0, 0), ('a', ${up}, 2000, 2, 0, 1),
      ('b', ${up}, 1000, 3, 1, 0), ('a', ${down}, 1000, 4, 0, 2)`)
    v3.close()
    const v4 = await StoreDatabase.open(path, { clock })
    assert.deepEqual(v4.migrated, { from: 3, to: SCHEMA_VERSION })
    const rows = await v4.connection.runAndReadAll(
      `SELECT s.tenant, d.labels, s.ts_ms, s.value, s.src_partition, s.src_offset
       FROM samples s JOIN series d USING (series_id) ORDER BY s.value`,
    )
    assert.deepEqual(rows.getRows(), [
      ['a', '__name__\u0000up', 1000, 1, 0, 0n],
      ['a', '__name__\u0000up', 2000, 2, 0, 1n],
      ['b', '__name__\u0000up', 1000, 3, 1, 0n],
      ['a', '__name__\u0000down', 1000, 4, 0, 2n],
    ])
    const ids = await v4.connection.runAndReadAll('SELECT count(DISTINCT series_id) FROM series')
    assert.deepEqual(ids.getRows(), [[3n]])
    v4.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
