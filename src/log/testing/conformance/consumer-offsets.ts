import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'

/** Consumer-group committed offsets. */
export function consumerOffsetsConformance(h: LogConformanceHarness): void {
  test('committed offsets are stored per group, overwritten, listed and survive a restart', () =>
    withLog(h, async (ut) => {
      await ut.log.createTopic('in', { partitions: 3 })
      assert.deepEqual(await ut.log.fetchOffsets('g1'), [])
      await ut.log.commitOffsets('g1', [
        { topic: 'in', partition: 0, offset: 5 },
        { topic: 'in', partition: 2, offset: 7 },
      ])
      await ut.log.commitOffsets('g1', [{ topic: 'in', partition: 0, offset: 9 }])
      await ut.log.commitOffsets('g2', [{ topic: 'in', partition: 1, offset: 1 }])
      const expected = [
        { topic: 'in', partition: 0, offset: 9 },
        { topic: 'in', partition: 2, offset: 7 },
      ]
      assert.deepEqual(await ut.log.fetchOffsets('g1'), expected)
      const groups = await ut.log.listGroups()
      assert.ok(groups.includes('g1') && groups.includes('g2'))
      const log = await ut.crashAndReopen()
      assert.deepEqual(await log.fetchOffsets('g1'), expected)
      assert.deepEqual(await log.fetchOffsets('g2'), [{ topic: 'in', partition: 1, offset: 1 }])
    }))

  test('offsets for unknown partitions or negative offsets are rejected', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('in', { partitions: 1 })
      await assert.rejects(
        log.commitOffsets('g', [{ topic: 'nope', partition: 0, offset: 1 }]),
        (err) => errorCode(err) === 'UNKNOWN_TOPIC_OR_PARTITION',
      )
      await assert.rejects(
        log.commitOffsets('g', [{ topic: 'in', partition: 0, offset: -1 }]),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
      assert.deepEqual(await log.fetchOffsets('g'), [])
    }))
}
