import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../core/testing/manual-clock.js'
import { DAY_MS, STORE_FILE, StoreDatabase, applyRetention } from '../store/index.js'
import { makeTempDir, runVigil } from './testing/run-vigil.js'

test('vigil archive list and restore: an archived day comes back; a running store and bad input are clear errors', async () => {
  const { dir, cleanup } = await makeTempDir()
  try {
    const path = join(dir, STORE_FILE)
    const db = await StoreDatabase.open(path, { clock: new ManualClock() })
    for (const day of [20, 21, 30]) {
      await db.connection.run(`INSERT INTO samples VALUES ('acme', 0, ${day * DAY_MS + 1000}, ${day}, 0, 0)`)
    }
    const archive = { dir: join(dir, 'archive'), restoreHoldMs: DAY_MS }
    await applyRetention(
      db.connection,
      { defaultMs: 5 * DAY_MS, tables: {}, tenants: {} },
      30 * DAY_MS,
      archive,
    )

    // While this process holds the store, the CLI says so instead of failing obscurely.
    const locked = await runVigil(['archive', 'list', '--data-dir', dir])
    assert.equal(locked.code, 1)
    assert.match(locked.stderr, /open by another process: stop vigil start first/)
    db.close()

    const listed = await runVigil(['archive', 'list', '--data-dir', dir])
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, /^DAY\s+TENANT\s+TABLE\s+PARTS\s+ROWS\s+RESTORED/)
    assert.match(listed.stdout, /1970-01-21\s+acme\s+samples\s+1\s+1/)
    assert.match(listed.stdout, /1970-01-22\s+acme\s+samples\s+1\s+1/)

    const restoreDay = (day: string): ReturnType<typeof runVigil> =>
      runVigil([
        'archive',
        'restore',
        '--data-dir',
        dir,
        '--tenant',
        'acme',
        '--table',
        'samples',
        '--day',
        day,
      ])
    const bad = await restoreDay('1970-13-01')
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /--day 1970-13-01: expected a UTC day as YYYY-MM-DD/)
    const missing = await restoreDay('1970-01-05')
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /samples of tenant acme on 1970-01-05 is not archived/)

    const restored = await restoreDay('1970-01-21')
    assert.equal(restored.code, 0, restored.stderr)
    assert.match(restored.stderr, /Restored 1 rows of samples for tenant acme on 1970-01-21/)
    const after = await StoreDatabase.open(path, { clock: new ManualClock() })
    try {
      const rows = (
        await after.connection.runAndReadAll('SELECT ts_ms, value FROM samples ORDER BY ts_ms')
      ).getRows()
      assert.deepEqual(rows, [
        [20 * DAY_MS + 1000, 20],
        [30 * DAY_MS + 1000, 30],
      ])
    } finally {
      after.close()
    }
    const again = await runVigil(['archive', 'list', '--data-dir', dir, '--table', 'samples'])
    assert.match(again.stdout, /1970-01-21\s+acme\s+samples\s+1\s+1\s+\d{4}-\d{2}-\d{2}T/)

    const none = await runVigil(['archive', 'list', '--data-dir', join(dir, 'nowhere')])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /No store at .*nowhere/)
  } finally {
    await cleanup()
  }
})
