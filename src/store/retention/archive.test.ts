import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { StoreDatabase, StoreError } from '../duckdb/store-database.js'
import { DAY_MS, listArchive, parseDay, restoreDay } from './archive.js'
import { applyRetention } from './retention.js'

const policy = { defaultMs: 2 * DAY_MS, tables: {}, tenants: {} }

test('retention with archival: expired days go to Parquet, leave the live table, and come back identical', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-archive-'))
  const archive = { dir: join(dir, 'archive'), restoreHoldMs: DAY_MS }
  const db = await StoreDatabase.open(join(dir, 'vigil.duckdb'), { clock: new ManualClock() })
  const c = db.connection
  const rows = async (where = ''): Promise<unknown[][]> =>
    (await c.runAndReadAll(`SELECT * FROM logs ${where} ORDER BY ALL`)).getRows() as unknown[][]
  try {
    // Logs of two tenants ("a/b" needs encoding in a path) over days 10..14, three per day.
    for (const tenant of ['acme', 'a/b']) {
      for (let day = 10; day <= 14; day++) {
        for (let i = 0; i < 3; i++) {
          const t = day * DAY_MS + i * 3_600_000
          await c.run(
            `INSERT INTO logs VALUES ('${tenant}', ${t}, ${i}, ${t}, 'svc', 9, 'INFO', 'line ${day}-${i} it''s',
             MAP {'k': 'v${i}'}, MAP {'service.name': 'svc'}, 'scope', '', '', 0, NULL, 0, ${day}, ${i})`,
          )
        }
      }
    }
    const before = await rows()
    const oldRows = await rows(`WHERE time_ms < ${13 * DAY_MS}`)
    const now = 15 * DAY_MS + 60_000 // days ≤ 12 are past the 2-day retention
    const report = await applyRetention(c, policy, now, archive)
    assert.deepEqual(report, { deleted: { logs: 18 }, archived: { logs: 18 } })
    const young = (r: unknown[]): boolean => Number(r[1]) >= 13 * DAY_MS
    assert.deepEqual(await rows(), before.filter(young))
    const listed = await listArchive(c)
    assert.deepEqual(
      listed.map((d) => [d.tenant, d.day, d.parts, d.rows, d.restoredAtMs]),
      [
        ['a/b', '1970-01-11', 1, 3, undefined],
        ['acme', '1970-01-11', 1, 3, undefined],
        ['a/b', '1970-01-12', 1, 3, undefined],
        ['acme', '1970-01-12', 1, 3, undefined],
        ['a/b', '1970-01-13', 1, 3, undefined],
        ['acme', '1970-01-13', 1, 3, undefined],
      ],
    )
    assert.deepEqual(await readdir(join(archive.dir, 'a%2Fb', 'logs')), [
      '1970-01-11.0.parquet',
      '1970-01-12.0.parquet',
      '1970-01-13.0.parquet',
    ])

    // Restore one day: its rows are back, identical; a second restore is refused.
    const day = parseDay('1970-01-12')!
    assert.equal(await restoreDay(c, 'acme', 'logs', day, now), 3)
    assert.deepEqual(
      await rows(`WHERE tenant = 'acme' AND time_ms >= ${day * DAY_MS} AND time_ms < ${(day + 1) * DAY_MS}`),
      oldRows.filter(
        (r) => r[0] === 'acme' && Number(r[1]) >= day * DAY_MS && Number(r[1]) < (day + 1) * DAY_MS,
      ),
    )
    await assert.rejects(restoreDay(c, 'acme', 'logs', day, now), (err: unknown) => {
      assert.ok(err instanceof StoreError)
      assert.equal(err.code, 'archive_day_restored')
      return true
    })
    await assert.rejects(restoreDay(c, 'acme', 'logs', parseDay('1970-01-02')!, now), /is not archived/)
    // Held for a day: retention leaves it; then it is archived again as one part, not twice.
    assert.deepEqual((await applyRetention(c, policy, now + 60_000, archive)).archived, {})
    assert.equal((await rows(`WHERE tenant = 'acme' AND time_ms < ${13 * DAY_MS}`)).length, 3)
    assert.deepEqual((await applyRetention(c, policy, now + DAY_MS, archive)).archived, { logs: 3 + 6 })
    const again = (await listArchive(c, { tenant: 'acme' })).find((d) => d.day === '1970-01-12')!
    assert.deepEqual([again.parts, again.rows, again.restoredAtMs], [1, 3, undefined])
    assert.deepEqual(await readdir(join(archive.dir, 'acme', 'logs')), [
      '1970-01-11.0.parquet',
      '1970-01-12.1.parquet',
      '1970-01-13.0.parquet',
      '1970-01-14.0.parquet',
    ])
    // Every archived row, read back from the files, is the original row, once.
    const files = join(archive.dir, '*', 'logs', '*.parquet').replaceAll("'", "''")
    const fromFiles = (
      await c.runAndReadAll(`SELECT * FROM read_parquet('${files}')`)
    ).getRows() as unknown[][]
    const day13 = (r: unknown[]): boolean => Number(r[1]) >= 13 * DAY_MS && Number(r[1]) < 14 * DAY_MS
    assert.deepEqual(fromFiles.sort(compareRows), [...oldRows, ...before.filter(day13)].sort(compareRows))
  } finally {
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
})

function compareRows(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = String(a[i])
    const y = String(b[i])
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
