import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  ChildNotKilledError,
  Rng,
  crashCycles,
  crashSeed,
  reproduceHint,
  runToEnd,
  runUntilKilled,
} from '../../../test/crash/harness.js'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { DAY_MS } from './archive.js'

/**
 * Archival under `kill -9` (issue 5: "a restart in the middle of archival loses nothing and
 * duplicates nothing"): a child (test/crash/store-archive.ts) archives 2 tenants × 150 days of
 * logs, one Parquet export and one transaction per day, and is killed at random instants
 * (VIGIL_CRASH_CYCLES, default 12) and restarted until it finishes. Then the live rows and the
 * rows of the listed Parquet parts together must be the original rows exactly once each, every
 * file on disk must be a listed part (no stray or temporary file), and no expired day may be live.
 */
const script = fileURLToPath(new URL('../../../test/crash/store-archive.js', import.meta.url))
const DAYS = 150
const PER_DAY = 4

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name))
  }
  return out.sort()
}

test('kill -9 during archival loses no row and archives none twice', async () => {
  const seed = crashSeed()
  const rng = new Rng(seed)
  const hint = `(${reproduceHint(seed)})`
  const dir = await mkdtemp(join(tmpdir(), 'vigil-archive-crash-'))
  const dbPath = join(dir, 'vigil.duckdb')
  const archiveDir = join(dir, 'archive')
  try {
    const setup = await StoreDatabase.open(dbPath, { clock: new ManualClock() })
    await setup.connection.run(
      `INSERT INTO logs SELECT
         CASE WHEN i % 2 = 0 THEN 'acme' ELSE 'beta' END, d * ${DAY_MS} + i * 1000, i, d * ${DAY_MS}, 'svc', 9,
         'INFO', 'line ' || d || '-' || i, MAP {'i': i::VARCHAR}, MAP {}, '', '', '', 0, NULL, 0, d, i
       FROM range(${DAYS}) t(d), range(${2 * PER_DAY}) u(i)`,
    )
    const original = (await setup.connection.runAndReadAll('SELECT * FROM logs')).getRows().map(key).sort()
    setup.close()

    let killed = 0
    for (let cycle = 0; cycle < crashCycles(12); cycle++) {
      try {
        await runUntilKilled({ script, args: [dbPath, archiveDir], killAfterMs: rng.int(5, 250) })
        killed++
      } catch (err) {
        if (!(err instanceof ChildNotKilledError && err.lines.some((l) => l.startsWith('done')))) throw err
        break // it finished before the kill
      }
    }
    assert.ok(killed >= 3, `only ${killed} kills landed before the archival finished ${hint}`)
    await runToEnd(script, [dbPath, archiveDir])

    const db = await StoreDatabase.open(dbPath, { clock: new ManualClock() })
    try {
      const c = db.connection
      const live = (await c.runAndReadAll('SELECT * FROM logs')).getRows()
      assert.equal(
        live.filter((r) => Number(r[1]) < 999 * DAY_MS).length,
        0,
        `expired rows still live ${hint}`,
      )
      const parts = (await c.runAndReadAll('SELECT path FROM archive_parts ORDER BY path'))
        .getRows()
        .map((r) => String(r[0]))
      assert.deepEqual(await filesUnder(archiveDir), parts, `files on disk vs listed parts ${hint}`)
      const list = parts.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')
      const archived = (await c.runAndReadAll(`SELECT * FROM read_parquet([${list}])`)).getRows()
      assert.equal(archived.length + live.length, original.length, `row count ${hint}`)
      assert.deepEqual([...archived, ...live].map(key).sort(), original, `rows ${hint}`)
    } finally {
      db.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

function key(row: readonly unknown[]): string {
  return row.map((v) => String(v)).join('|')
}
