import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { createDefaultStoreConfig, retentionPolicy } from '../config.js'
import { StoreDatabase } from '../duckdb/store-database.js'
import { DAY_MS, restoreDay } from '../retention/archive.js'
import { applyRetention } from '../retention/retention.js'
import { queryAlertHistory, writeAlertHistory } from './alert-history.js'
import type { AlertHistoryChange } from './alert-history.js'

const T0 = 1_700_000_000_000

const change = (over: Partial<AlertHistoryChange> = {}): AlertHistoryChange => ({
  tenant: 'acme',
  fingerprint: '0123456789abcdef',
  ruleName: 'HighLatency',
  ruleKind: 'prometheus',
  labels: { alertname: 'HighLatency', service: 'checkout' },
  annotations: { summary: 'slow' },
  from: 'inactive',
  to: 'pending',
  atMs: T0,
  value: 0.5,
  ...over,
})

async function withDb(fn: (db: StoreDatabase, path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-alert-history-'))
  const path = join(dir, 'vigil.duckdb')
  const db = await StoreDatabase.open(path, { clock: new ManualClock(T0) })
  try {
    await fn(db, path)
  } finally {
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

const lifecycle = (tenant: string, fingerprint: string, t: number): AlertHistoryChange[] => [
  change({ tenant, fingerprint, from: 'inactive', to: 'pending', atMs: t }),
  change({ tenant, fingerprint, from: 'pending', to: 'firing', atMs: t + 60_000, value: 0.9 }),
  change({ tenant, fingerprint, from: 'firing', to: 'resolved', atMs: t + 120_000, value: 0.1 }),
]

test('every change is stored once with its fields, however often it is written, across a reopen', async () => {
  await withDb(async (db, path) => {
    const c = await db.connect()
    const odd = change({
      fingerprint: 'ffffffffffffffff',
      labels: Object.fromEntries([
        ['__proto__', 'x'],
        ['alertname', 'Odd'],
        ['with space', 'ü "q"'],
      ]),
      annotations: {},
      value: NaN,
      to: 'firing',
      from: 'pending',
      ruleKind: 'anomaly',
    })
    const first = [...lifecycle('acme', 'aaaaaaaaaaaaaaaa', T0), odd]
    // A change repeated inside one batch is stored once; a change without a real time is skipped.
    assert.equal(await writeAlertHistory(c, [...first, first[0]!, change({ atMs: NaN })]), 4)
    assert.equal(await writeAlertHistory(c, first), 0)
    // Same alert and time, another state: a different change.
    assert.equal(await writeAlertHistory(c, [{ ...first[0]!, to: 'firing', from: 'pending' }]), 1)
    assert.equal(await writeAlertHistory(c, []), 0)
    c.closeSync()
    db.close()

    // A restarted process reports the recent changes again: nothing is added.
    const again = await StoreDatabase.open(path, { clock: new ManualClock(T0) })
    try {
      const c2 = await again.connect()
      assert.equal(await writeAlertHistory(c2, [...first].reverse()), 0)
      const page = await queryAlertHistory(c2, 'acme', { startMs: 0, endMs: T0 + DAY_MS, limit: 100 })
      assert.equal(page.changes.length, 5)
      assert.equal(page.next, null)
      const stored = page.changes.find((ch) => ch.fingerprint === 'ffffffffffffffff')!
      assert.ok(Number.isNaN(stored.value))
      assert.deepEqual({ ...stored, value: 0 }, { ...odd, value: 0 })
      assert.deepEqual(Object.keys(stored.labels), ['__proto__', 'alertname', 'with space'])
      assert.equal(Object.getPrototypeOf(stored.labels), Object.prototype)
      c2.closeSync()
    } finally {
      again.close()
    }
  })
})

test('queries are per tenant, newest first, by range and fingerprint, paged without gaps or repeats', async () => {
  await withDb(async (db) => {
    const c = await db.connect()
    const acme = [
      ...lifecycle('acme', 'aaaaaaaaaaaaaaaa', T0),
      ...lifecycle('acme', 'bbbbbbbbbbbbbbbb', T0), // the same times: ties broken by fingerprint
      ...lifecycle('acme', 'cccccccccccccccc', T0 + 60_000),
    ]
    await writeAlertHistory(c, [...acme, ...lifecycle('other', 'aaaaaaaaaaaaaaaa', T0)])
    const all = await queryAlertHistory(c, 'acme', { startMs: T0, endMs: T0 + DAY_MS, limit: 1000 })
    assert.equal(all.changes.length, 9)
    assert.ok(all.changes.every((ch) => ch.tenant === 'acme'))
    const keys = all.changes.map((ch) => `${ch.atMs - T0} ${ch.fingerprint[0]} ${ch.to}`)
    assert.deepEqual(keys, [
      '180000 c resolved',
      '120000 c firing',
      '120000 b resolved',
      '120000 a resolved',
      '60000 c pending',
      '60000 b firing',
      '60000 a firing',
      '0 b pending',
      '0 a pending',
    ])
    // At the same millisecond, an alert's changes are listed newest first in lifecycle order.
    await writeAlertHistory(c, [
      change({ tenant: 'same', to: 'pending', from: 'inactive' }),
      change({ tenant: 'same', to: 'firing', from: 'pending' }),
      change({ tenant: 'same', to: 'inactive', from: 'pending' }),
      change({ tenant: 'same', to: 'resolved', from: 'firing' }),
    ])
    for (const limit of [1, 2, 100]) {
      const order: string[] = []
      let next = undefined
      do {
        const page: Awaited<ReturnType<typeof queryAlertHistory>> = await queryAlertHistory(c, 'same', {
          startMs: T0,
          endMs: T0,
          limit,
          ...(next === undefined ? {} : { after: next }),
        })
        order.push(...page.changes.map((ch) => ch.to))
        next = page.next ?? undefined
      } while (next !== undefined)
      assert.deepEqual(order, ['inactive', 'resolved', 'firing', 'pending'], `limit ${limit}`)
    }
    // Paging with every page size gives the same rows in the same order.
    for (const limit of [1, 2, 4, 8]) {
      const seen: string[] = []
      let after = undefined
      for (let i = 0; i < 20; i++) {
        const page: Awaited<ReturnType<typeof queryAlertHistory>> = await queryAlertHistory(c, 'acme', {
          startMs: T0,
          endMs: T0 + DAY_MS,
          limit,
          ...(after === undefined ? {} : { after }),
        })
        seen.push(...page.changes.map((ch) => `${ch.atMs - T0} ${ch.fingerprint[0]} ${ch.to}`))
        if (page.next === null) break
        after = page.next
      }
      assert.deepEqual(seen, keys, `limit ${limit}`)
    }
    const range = await queryAlertHistory(c, 'acme', {
      startMs: T0 + 60_000,
      endMs: T0 + 120_000,
      limit: 100,
    })
    assert.equal(range.changes.length, 6)
    const one = await queryAlertHistory(c, 'acme', {
      startMs: T0,
      endMs: T0 + DAY_MS,
      fingerprint: 'bbbbbbbbbbbbbbbb',
      limit: 100,
    })
    assert.deepEqual(
      one.changes.map((ch) => ch.to),
      ['resolved', 'firing', 'pending'],
    )
    const other = await queryAlertHistory(c, 'other', { startMs: 0, endMs: T0 + DAY_MS, limit: 100 })
    assert.equal(other.changes.length, 3)
    const nobody = await queryAlertHistory(c, 'nobody', { startMs: 0, endMs: T0 + DAY_MS, limit: 100 })
    assert.deepEqual(nobody, { changes: [], next: null })
    c.closeSync()
  })
})

test('the alert history is kept 90 days by default, by at_ms, and archived and restored like any table', async () => {
  await withDb(async (db, path) => {
    const c = db.connection
    const config = createDefaultStoreConfig()
    assert.equal(config.retention.tables.alert_history, 90 * DAY_MS)
    // A shorter global default does not change the history's own period.
    const policy = retentionPolicy({ ...config, retention: { ...config.retention, default: 7 * DAY_MS } })
    // One change at noon of each of the days 0..120.
    const changes = Array.from({ length: 121 }, (_, day) =>
      change({ atMs: day * DAY_MS + DAY_MS / 2, fingerprint: day.toString(16).padStart(16, '0') }),
    )
    await writeAlertHistory(c, changes)
    const now = 120 * DAY_MS + 6 * 3_600_000 // day 120, 06:00: now − 90 d is day 30, 06:00
    const archive = { dir: join(path, '..', 'archive'), restoreHoldMs: DAY_MS }
    const report = await applyRetention(c, policy, now, archive)
    assert.deepEqual(report, { deleted: { alert_history: 30 }, archived: { alert_history: 30 } })
    const days = async (): Promise<number[]> =>
      (await c.runAndReadAll(`SELECT floor(at_ms / ${DAY_MS})::INTEGER FROM alert_history ORDER BY 1`))
        .getRows()
        .map((r) => Number(r[0]))
    assert.equal((await days())[0], 30)
    assert.equal(await restoreDay(c, 'acme', 'alert_history', 10, now), 1)
    assert.equal((await days())[0], 10)
    // A restored change is recognised as stored: writing it again adds nothing.
    assert.equal(await writeAlertHistory(c, [changes[10]!]), 0)
  })
})
