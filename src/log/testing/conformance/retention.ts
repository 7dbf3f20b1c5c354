import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { readAll, rec, withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'

/** Retention by time and by size: whole old segments go, the newest data stays readable. */
export function retentionConformance(h: LogConformanceHarness): void {
  test('time retention removes segments whose records are all older than retentionMs', () =>
    withLog(h, async (ut) => {
      const { log } = ut
      const hour = 3600_000
      await log.createTopic('t', { partitions: 1, retentionMs: hour, segmentBytes: 1024 })
      const now = ut.nowMs()
      const payload = 'x'.repeat(200)
      for (let i = 0; i < 20; i++)
        await log.append('t', 0, [rec(`old${i}${payload}`, { timestampMs: now - 3 * hour })])
      for (let i = 0; i < 20; i++) await log.append('t', 0, [rec(`new${i}${payload}`, { timestampMs: now })])
      await ut.maintain()
      const d = (await log.describeTopic('t'))!.partitions[0]!
      assert.ok(d.logStartOffset > 0, 'old segments were deleted')
      assert.ok(d.logStartOffset <= 20, 'no segment with recent records was deleted')
      await assert.rejects(log.read('t', 0, 0), (err) => errorCode(err) === 'OFFSET_OUT_OF_RANGE')
      const left = await readAll(log, 't', 0)
      assert.equal(left.filter((r) => Buffer.from(r.value!).toString().startsWith('new')).length, 20)
      // Later, the recent records expire too (all but the active segment).
      await ut.advanceTime(2 * hour)
      await ut.maintain()
      assert.ok((await log.describeTopic('t'))!.partitions[0]!.logStartOffset > d.logStartOffset)
    }))

  test('size retention keeps a partition near retentionBytes, deleting the oldest first', () =>
    withLog(h, async (ut) => {
      const { log } = ut
      await log.createTopic('t', { partitions: 1, retentionBytes: 4096, segmentBytes: 1024 })
      for (let i = 0; i < 100; i++)
        await log.append('t', 0, [rec(`${i}:${'y'.repeat(100)}`, { timestampMs: ut.nowMs() })])
      await ut.maintain()
      const d = (await log.describeTopic('t'))!.partitions[0]!
      assert.ok(d.logStartOffset > 0)
      assert.ok(d.sizeBytes <= 4096 + 1024, `size ${d.sizeBytes} stays within retention + one segment`)
      const left = await readAll(log, 't', 0)
      assert.equal(left[left.length - 1]!.offset, 99, 'the newest record is kept')
      assert.equal(left[0]!.offset, d.logStartOffset)
    }))
}
