/**
 * Test-only child process for the archival kill test (src/store/retention/archive.crash.test.ts):
 * opens the store at `<dbPath>`, prints `ready`, applies retention with archival into
 * `<archiveDir>` (1-day retention at day 1000, so every older day is archived), prints `done` and
 * exits. The parent kills it at random instants and runs it again until it finishes.
 *
 *   node store-archive.js <dbPath> <archiveDir>
 */
import { systemClock } from '../../src/core/index.js'
import { DAY_MS, StoreDatabase, applyRetention } from '../../src/store/index.js'

const [dbPath, archiveDir] = process.argv.slice(2)
if (dbPath === undefined || archiveDir === undefined)
  throw new Error('usage: store-archive.js <dbPath> <archiveDir>')
const db = await StoreDatabase.open(dbPath, { clock: systemClock })
process.stdout.write('ready\n')
const report = await applyRetention(
  db.connection,
  { defaultMs: DAY_MS, tables: {}, tenants: {} },
  1000 * DAY_MS,
  { dir: archiveDir, restoreHoldMs: DAY_MS },
)
db.close()
process.stdout.write(`done ${JSON.stringify(report)}\n`)
