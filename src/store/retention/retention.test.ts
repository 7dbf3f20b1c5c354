import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { RetentionJob } from './retention-job.js'
import { DAY_MS, applyRetention, retentionFor } from './retention.js'
import type { RetentionPolicy, RetentionReport } from './retention.js'

const policy: RetentionPolicy = {
  defaultMs: 10 * DAY_MS,
  tables: { samples: 2 * DAY_MS },
  tenants: { gold: { defaultMs: 30 * DAY_MS }, short: { tables: { rollups_10s: DAY_MS } } },
}

test('retention resolves tenant table > tenant default > table > default', () => {
  assert.equal(retentionFor(policy, 'other', 'logs'), 10 * DAY_MS)
  assert.equal(retentionFor(policy, 'other', 'samples'), 2 * DAY_MS)
  assert.equal(retentionFor(policy, 'gold', 'samples'), 30 * DAY_MS)
  assert.equal(retentionFor(policy, 'short', 'rollups_10s'), DAY_MS)
  assert.equal(retentionFor(policy, 'short', 'samples'), 2 * DAY_MS)
})

test('expired whole days are deleted per table and tenant; younger rows and other tenants stay', async () => {
  const db = await StoreDatabase.open(':memory:', { clock: new ManualClock() })
  try {
    const c = db.connection
    const now = 100 * DAY_MS + 6 * 3_600_000 // day 100, 06:00 UTC
    // One sample per tenant at noon of each of the days 80..100.
    for (const tenant of ['other', 'gold', 'short']) {
      for (let day = 80; day <= 100; day++) {
        await c.run(`INSERT INTO samples VALUES ('${tenant}', 0, ${day * DAY_MS + DAY_MS / 2}, 1, 0, 0)`)
      }
    }
    await c.run(`CREATE TABLE rollups_10s AS SELECT tenant, 'k' AS key, CAST(ts_ms AS BIGINT) AS window_start_ms
                 FROM samples`)
    await c.run(`INSERT INTO result_tables VALUES ('rollups_10s', 'rollups', 10000)`)

    const report = await applyRetention(c, policy, now)
    const days = async (table: string, column: string, tenant: string): Promise<number[]> =>
      (
        await c.runAndReadAll(
          `SELECT DISTINCT floor(${column} / ${DAY_MS})::INTEGER FROM ${table} WHERE tenant = '${tenant}' ORDER BY 1`,
        )
      )
        .getRows()
        .map((r) => Number(r[0]))
    const range = (from: number, to: number): number[] =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i)
    // samples: 2 days for everyone but gold (30 days): now − 2 d is day 98 06:00, so days ≤ 97 go.
    assert.deepEqual(await days('samples', 'ts_ms', 'other'), range(98, 100))
    assert.deepEqual(await days('samples', 'ts_ms', 'short'), range(98, 100))
    assert.deepEqual(await days('samples', 'ts_ms', 'gold'), range(80, 100))
    // rollups_10s: the 10-day default (days ≤ 89 go), short keeps 1 day, gold 30.
    assert.deepEqual(await days('rollups_10s', 'window_start_ms', 'other'), range(90, 100))
    assert.deepEqual(await days('rollups_10s', 'window_start_ms', 'short'), range(99, 100))
    assert.deepEqual(await days('rollups_10s', 'window_start_ms', 'gold'), range(80, 100))
    assert.deepEqual(report, { deleted: { samples: 18 + 18, rollups_10s: 10 + 19 }, archived: {} })
    // Nothing more to do until a day passes.
    assert.deepEqual((await applyRetention(c, policy, now + 3_600_000)).deleted, {})
  } finally {
    db.close()
  }
})

test('the retention job runs right after start, reports what it deleted, and stops cleanly', async () => {
  const db = await StoreDatabase.open(':memory:', { clock: new ManualClock() })
  try {
    await db.connection.run(`INSERT INTO samples VALUES ('t', 0, ${DAY_MS / 2}, 1, 0, 0)`)
    const reports: RetentionReport[] = []
    const job = new RetentionJob({
      db,
      policy: { defaultMs: DAY_MS, tables: {}, tenants: {} },
      clock: new ManualClock(10 * DAY_MS),
      intervalMs: 60_000,
      onReport: (r) => reports.push(r),
    })
    await job.start()
    for (let i = 0; i < 200 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    await job.shutdown()
    await job.shutdown()
    assert.deepEqual(reports, [{ deleted: { samples: 1 }, archived: {} }])
  } finally {
    db.close()
  }
})
