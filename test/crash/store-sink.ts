/**
 * Test-only child process for the store sink's kill test (src/store/sink/store-sink.crash.test.ts):
 * consumes `vigil.results.rollups`, `vigil.anomalies` and `vigil.ingest.metrics` (raw samples) from the embedded log at `<logDir>` into the store database at
 * `<dbPath>`, one record per transaction so that a kill lands mid-write most of the time. Prints
 * `ready` once the sink has loaded its offsets, then polls until killed; with `--drain` it prints
 * `done` and exits once a pass finds nothing new.
 *
 *   node store-sink.js <logDir> <dbPath> [--drain]
 */
import { parseArgs } from 'node:util'
import { systemClock } from '../../src/core/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { StoreDatabase, StoreSink } from '../../src/store/index.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { drain: { type: 'boolean', default: false } },
})
const [logDir, dbPath] = positionals
if (logDir === undefined || dbPath === undefined)
  throw new Error('usage: store-sink.js <logDir> <dbPath> [--drain]')

const log = await openEmbeddedLog({ dataDir: logDir })
const db = await StoreDatabase.open(dbPath, { clock: systemClock })
const sink = new StoreSink({
  log,
  db,
  consumer: 'store',
  sources: [
    { topic: 'vigil.results.rollups', kind: 'results' },
    { topic: 'vigil.anomalies', kind: 'anomalies' },
    { topic: 'vigil.ingest.metrics', kind: 'metrics' },
  ],
  clock: systemClock,
  maxPollBytes: 1, // one record per read, so one per transaction
})
await sink.open()
process.stdout.write('ready\n')
for (;;) {
  const n = await sink.pass()
  if (n > 0) continue
  if (values.drain) break
  await new Promise((resolve) => setTimeout(resolve, 5))
}
await sink.shutdown()
db.close()
await log.close()
process.stdout.write('done\n')
