import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { createDefaultStoreConfig, retentionPolicy } from '../config.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { writeAnomalyBatch } from '../tables/anomaly-table.js'
import { DAY_MS, restoreDay } from './archive.js'
import { applyRetention } from './retention.js'

test('anomalies are kept 30 days by default, by time_ms, and archived and restored like any table', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-anomaly-retention-'))
  const db = await StoreDatabase.open(join(dir, 'vigil.duckdb'), { clock: new ManualClock() })
  const c = db.connection
  try {
    const config = createDefaultStoreConfig()
    assert.equal(config.retention.tables.anomalies, 30 * DAY_MS)
    // A longer global default does not change the anomalies' own period.
    const policy = retentionPolicy({ ...config, retention: { ...config.retention, default: 365 * DAY_MS } })
    // One anomaly at noon of each of the days 60..100.
    const rows = Array.from({ length: 41 }, (_, i) => ({
      tenant: 'acme',
      source: 'rollups',
      key: '__name__\u0000cpu',
      feature: 'mean',
      windowMs: 10_000,
      timeMs: (60 + i) * DAY_MS + DAY_MS / 2,
      value: i,
      score: 0.9,
      alert: true,
      novelty: 1,
      levelZ: 2,
      seasonalZ: 3,
      changePoint: false,
      detectedAtMs: (60 + i) * DAY_MS + DAY_MS / 2 + 500,
    }))
    await writeAnomalyBatch(c, { kind: 'anomalies', rows }, 0, 0)
    const now = 100 * DAY_MS + 6 * 3_600_000 // day 100, 06:00: now − 30 d is day 70 06:00
    const archive = { dir: join(dir, 'archive'), restoreHoldMs: DAY_MS }
    const report = await applyRetention(c, policy, now, archive)
    assert.deepEqual(report, { deleted: { anomalies: 10 }, archived: { anomalies: 10 } })
    const days = async (): Promise<number[]> =>
      (await c.runAndReadAll(`SELECT floor(time_ms / ${DAY_MS})::INTEGER FROM anomalies ORDER BY 1`))
        .getRows()
        .map((r) => Number(r[0]))
    assert.deepEqual(
      await days(),
      Array.from({ length: 31 }, (_, i) => 70 + i),
    )
    assert.equal(await restoreDay(c, 'acme', 'anomalies', 65, now), 1)
    assert.equal((await days())[0], 65)
  } finally {
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
})
