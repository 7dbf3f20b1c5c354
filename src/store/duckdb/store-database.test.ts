import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { MIGRATIONS } from './migrations.js'
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
      ['result_tables', 'samples', 'schema_version', 'store_drops', 'store_ledger', 'store_offsets'],
    )
    first.close()

    // A second migration only: the first is recorded and not applied again.
    const next = [
      ...MIGRATIONS,
      { version: 2, description: 'test', statements: ['CREATE TABLE t2 (x INTEGER)'] },
    ]
    const second = await StoreDatabase.open(path, { clock, migrations: next })
    assert.deepEqual(second.migrated, { from: 1, to: 2 })
    assert.equal(await second.schemaVersion(), 2)
    second.close()

    await assert.rejects(StoreDatabase.open(path, { clock }), (err: unknown) => {
      assert.ok(err instanceof StoreError)
      assert.equal(err.code, 'store_schema_too_new')
      assert.match(err.message, /schema version 2, newer than this Vigil knows \(1\)/)
      return true
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('a failing migration rolls back whole and names itself', async () => {
  const broken = [
    ...MIGRATIONS,
    { version: 2, description: 'half', statements: ['CREATE TABLE half (x INTEGER)', 'NOT SQL'] },
  ]
  await assert.rejects(StoreDatabase.open(':memory:', { clock, migrations: broken }), (err: unknown) => {
    assert.ok(err instanceof StoreError)
    assert.equal(err.code, 'store_migration_failed')
    assert.match(err.message, /store migration 2 \(half\) failed/)
    return true
  })
  const dir = await mkdtemp(join(tmpdir(), 'vigil-store-'))
  const path = join(dir, 'vigil.duckdb')
  try {
    await assert.rejects(StoreDatabase.open(path, { clock, migrations: broken }))
    const db = await StoreDatabase.open(path, { clock })
    assert.equal(await db.schemaVersion(), 1)
    const half = await db.connection.runAndReadAll(
      "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'",
    )
    assert.equal(Number(half.getRows()[0]![0]), 0)
    db.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
