import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { readAll, rec, text, withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'

/** Compaction of keyed changelog topics: the latest record per key survives, offsets are kept. */
export function compactionConformance(h: LogConformanceHarness): void {
  test('compaction keeps the latest value per key with its original offset', () =>
    withLog(h, async (ut) => {
      const { log } = ut
      await log.createTopic('state', { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 1024 })
      const latest = new Map<string, { offset: number; value: string }>()
      for (let i = 0; i < 300; i++) {
        const key = `k${i % 7}`
        const value = `v${i}`
        const r = await log.append('state', 0, [rec(value, { key, timestampMs: ut.nowMs() })])
        latest.set(key, { offset: r.baseOffset, value })
      }
      const before = (await readAll(log, 'state', 0)).length
      await ut.maintain()
      const after = await readAll(log, 'state', 0)
      assert.ok(after.length < before, `compaction removed records (${before} -> ${after.length})`)
      const seen = new Map<string, { offset: number; value: string | null }>()
      let previous = -1
      for (const r of after) {
        assert.ok(r.offset > previous, 'offsets stay increasing')
        previous = r.offset
        seen.set(text(r.key)!, { offset: r.offset, value: text(r.value) })
      }
      assert.deepEqual(
        seen,
        latest,
        'the last record of each key is its latest write, at its original offset',
      )
      const next = await log.append('state', 0, [rec('v300', { key: 'k0', timestampMs: ut.nowMs() })])
      assert.equal(next.baseOffset, 300, 'offsets continue after compaction')
    }))

  test('tombstones delete a key once deleteRetentionMs has passed', () =>
    withLog(h, async (ut) => {
      const { log } = ut
      await log.createTopic('state', {
        partitions: 1,
        cleanupPolicy: 'compact',
        segmentBytes: 512,
        deleteRetentionMs: 1000,
      })
      for (let i = 0; i < 30; i++)
        await log.append('state', 0, [rec(`v${i}`, { key: `k${i % 3}`, timestampMs: ut.nowMs() })])
      await log.append('state', 0, [{ key: Buffer.from('k1'), value: null, timestampMs: ut.nowMs() }])
      for (let i = 0; i < 30; i++)
        await log.append('state', 0, [rec(`w${i}`, { key: `filler${i % 2}`, timestampMs: ut.nowMs() })])
      await ut.advanceTime(5000)
      await ut.maintain()
      const keys = (await readAll(log, 'state', 0)).map((r) => text(r.key))
      assert.ok(!keys.includes('k1'), 'the deleted key and its tombstone are gone')
      assert.ok(keys.includes('k0') && keys.includes('k2'))
    }))

  test('compacted topics reject records without a key', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('state', { partitions: 1, cleanupPolicy: 'compact' })
      await assert.rejects(
        log.append('state', 0, [rec('no key')]),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
    }))

  test('compaction keeps committed transactional records and drops aborted ones', () =>
    withLog(h, async (ut) => {
      const { log } = ut
      await log.createTopic('state', { partitions: 1, cleanupPolicy: 'compact', segmentBytes: 512 })
      const p = await log.initProducer({ transactionalId: 'changelog' })
      let seq = 0
      for (let i = 0; i < 20; i++) {
        await log.append('state', 0, [rec(`c${i}`, { key: `a${i % 4}`, timestampMs: ut.nowMs() })], {
          producer: { ...p, sequence: seq++ },
          transactional: true,
        })
        await log.endTransaction(p, i % 5 !== 4) // every fifth transaction aborts
      }
      const expected = await readAll(log, 'state', 0, { isolation: 'read_committed' })
      const lastPerKey = new Map(expected.map((r) => [text(r.key), text(r.value)]))
      await ut.maintain()
      const after = await readAll(log, 'state', 0, { isolation: 'read_committed' })
      assert.deepEqual(new Map(after.map((r) => [text(r.key), text(r.value)])), lastPerKey)
      const raw = await readAll(log, 'state', 0)
      assert.ok(raw.length <= expected.length, 'aborted records were removed from compacted segments')
    }))
}
