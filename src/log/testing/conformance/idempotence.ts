import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { readAll, rec, values, withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'

/** Idempotent producers: producer id + epoch + sequence make a retried append a no-op. */
export function idempotenceConformance(h: LogConformanceHarness): void {
  test('a retried append (same producer, epoch, sequence) is not written twice', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      const p = await log.initProducer()
      const first = await log.append('t', 0, [rec('a'), rec('b')], { producer: { ...p, sequence: 0 } })
      const retry = await log.append('t', 0, [rec('a'), rec('b')], { producer: { ...p, sequence: 0 } })
      assert.equal(retry.duplicate, true)
      assert.deepEqual([retry.baseOffset, retry.lastOffset], [first.baseOffset, first.lastOffset])
      await log.append('t', 0, [rec('c')], { producer: { ...p, sequence: 2 } })
      // An older in-flight batch retried late is still recognised.
      const late = await log.append('t', 0, [rec('a'), rec('b')], { producer: { ...p, sequence: 0 } })
      assert.equal(late.duplicate, true)
      assert.deepEqual(values(await readAll(log, 't', 0)), ['a', 'b', 'c'])
    }))

  test('a sequence gap is rejected, nothing written', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      const p = await log.initProducer()
      await log.append('t', 0, [rec('a')], { producer: { ...p, sequence: 0 } })
      await assert.rejects(
        log.append('t', 0, [rec('lost')], { producer: { ...p, sequence: 5 } }),
        (err) => errorCode(err) === 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      )
      assert.deepEqual(values(await readAll(log, 't', 0)), ['a'])
    }))

  test('producers are independent and get distinct ids; sequences are per partition', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 2 })
      const p1 = await log.initProducer()
      const p2 = await log.initProducer()
      assert.notEqual(p1.producerId, p2.producerId)
      await log.append('t', 0, [rec('p1-a')], { producer: { ...p1, sequence: 0 } })
      await log.append('t', 0, [rec('p2-a')], { producer: { ...p2, sequence: 0 } })
      await log.append('t', 1, [rec('p1-b')], { producer: { ...p1, sequence: 0 } })
      assert.deepEqual(values(await readAll(log, 't', 0)), ['p1-a', 'p2-a'])
      assert.deepEqual(values(await readAll(log, 't', 1)), ['p1-b'])
    }))

  test('deduplication survives a restart', () =>
    withLog(h, async (ut) => {
      await ut.log.createTopic('t', { partitions: 1, segmentBytes: 1024 })
      const p = await ut.log.initProducer()
      let seq = 0
      for (let i = 0; i < 40; i++) {
        await ut.log.append('t', 0, [rec(`v${i}`)], { producer: { ...p, sequence: seq } })
        seq += 1
      }
      const log = await ut.reopen()
      const retry = await log.append('t', 0, [rec('v39')], { producer: { ...p, sequence: 39 } })
      assert.equal(retry.duplicate, true)
      assert.equal(retry.baseOffset, 39)
      const next = await log.append('t', 0, [rec('v40')], { producer: { ...p, sequence: 40 } })
      assert.equal(next.baseOffset, 40)
      assert.equal((await readAll(log, 't', 0)).length, 41)
    }))

  test('producer ids are never reused after a restart', () =>
    withLog(h, async (ut) => {
      const before = await ut.log.initProducer()
      const log = await ut.reopen()
      const after = await log.initProducer()
      assert.notEqual(after.producerId, before.producerId)
    }))
}
