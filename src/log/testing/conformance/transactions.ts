import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { readAll, rec, values, withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'
import type { Log, ProducerIdentity } from '../../log.js'

/** Transactions: atomic multi-partition appends plus offsets, read_committed isolation, fencing, crashes. */
export function transactionConformance(h: LogConformanceHarness): void {
  const committed = async (log: Log, topic: string, partition: number): Promise<Array<string | null>> =>
    values(await readAll(log, topic, partition, { isolation: 'read_committed' }))
  const txAppend = (
    log: Log,
    p: ProducerIdentity,
    topic: string,
    partition: number,
    seq: number,
    ...v: string[]
  ) =>
    log.append(
      topic,
      partition,
      v.map((x) => rec(x)),
      { producer: { ...p, sequence: seq }, transactional: true },
    )

  test('commit makes appends to several partitions visible together; read_committed sees nothing before', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('out', { partitions: 2 })
      const p = await log.initProducer({ transactionalId: 'job-1' })
      await txAppend(log, p, 'out', 0, 0, 'a0', 'a1')
      await txAppend(log, p, 'out', 1, 0, 'b0')
      assert.deepEqual(await committed(log, 'out', 0), [])
      assert.deepEqual(await committed(log, 'out', 1), [])
      const pending = await log.read('out', 0, 0, { isolation: 'read_committed' })
      assert.equal(pending.lastStableOffset, 0, 'LSO stays at the first open transactional offset')
      assert.deepEqual(
        values((await log.read('out', 0, 0)).records),
        ['a0', 'a1'],
        'read_uncommitted sees pending data',
      )
      await log.endTransaction(p, true)
      assert.deepEqual(await committed(log, 'out', 0), ['a0', 'a1'])
      assert.deepEqual(await committed(log, 'out', 1), ['b0'])
    }))

  test('abort: records are never visible to read_committed, later ones are', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('out', { partitions: 1 })
      const p = await log.initProducer({ transactionalId: 'job-1' })
      await txAppend(log, p, 'out', 0, 0, 'aborted-1', 'aborted-2')
      await log.endTransaction(p, false)
      await txAppend(log, p, 'out', 0, 2, 'kept')
      await log.endTransaction(p, true)
      assert.deepEqual(await committed(log, 'out', 0), ['kept'])
      const raw = values(await readAll(log, 'out', 0))
      assert.ok(
        raw.includes('aborted-1') && raw.includes('kept'),
        'read_uncommitted returns aborted data too',
      )
    }))

  test('read_committed stops at the first open transaction even when later records are committed', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      await log.append('t', 0, [rec('before')])
      const p = await log.initProducer({ transactionalId: 'slow' })
      await txAppend(log, p, 't', 0, 0, 'txn')
      await log.append('t', 0, [rec('after')])
      assert.deepEqual(await committed(log, 't', 0), ['before'])
      await log.endTransaction(p, true)
      assert.deepEqual(await committed(log, 't', 0), ['before', 'txn', 'after'])
    }))

  test('offsets sent to a transaction apply on commit only', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('in', { partitions: 1 })
      await log.createTopic('out', { partitions: 1 })
      const p = await log.initProducer({ transactionalId: 'job' })
      await txAppend(log, p, 'out', 0, 0, 'r1')
      await log.sendOffsetsToTransaction(p, 'g', [{ topic: 'in', partition: 0, offset: 10 }])
      assert.deepEqual(await log.fetchOffsets('g'), [])
      await log.endTransaction(p, false)
      assert.deepEqual(await log.fetchOffsets('g'), [], 'aborted offsets are not applied')
      await txAppend(log, p, 'out', 0, 1, 'r2')
      await log.sendOffsetsToTransaction(p, 'g', [{ topic: 'in', partition: 0, offset: 20 }])
      await log.endTransaction(p, true)
      assert.deepEqual(await log.fetchOffsets('g'), [{ topic: 'in', partition: 0, offset: 20 }])
      assert.deepEqual(await committed(log, 'out', 0), ['r2'])
    }))

  test('a new instance with the same transactional id fences the old one and aborts its open transaction', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('out', { partitions: 1 })
      const old = await log.initProducer({ transactionalId: 'job' })
      await txAppend(log, old, 'out', 0, 0, 'zombie')
      const fresh = await log.initProducer({ transactionalId: 'job' })
      assert.equal(fresh.producerId, old.producerId)
      assert.ok(fresh.epoch > old.epoch)
      await assert.rejects(
        txAppend(log, old, 'out', 0, 1, 'zombie-2'),
        (err) => errorCode(err) === 'PRODUCER_FENCED',
      )
      await assert.rejects(log.endTransaction(old, true), (err) => errorCode(err) === 'PRODUCER_FENCED')
      await txAppend(log, fresh, 'out', 0, 0, 'fresh')
      await log.endTransaction(fresh, true)
      assert.deepEqual(await committed(log, 'out', 0), ['fresh'])
    }))

  test('a transactional append needs a transactional producer', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('out', { partitions: 1 })
      const plain = await log.initProducer()
      await assert.rejects(
        txAppend(log, plain, 'out', 0, 0, 'x'),
        (err) => errorCode(err) === 'INVALID_TXN_STATE',
      )
      await assert.rejects(
        log.append('out', 0, [rec('x')], { transactional: true }),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
    }))

  test('crash before commit: after restart the open transaction is aborted, offsets untouched', () =>
    withLog(h, async (ut) => {
      await ut.log.createTopic('in', { partitions: 1 })
      await ut.log.createTopic('out', { partitions: 2 })
      const p = await ut.log.initProducer({ transactionalId: 'job' })
      await txAppend(ut.log, p, 'out', 0, 0, 'done')
      await ut.log.sendOffsetsToTransaction(p, 'g', [{ topic: 'in', partition: 0, offset: 1 }])
      await ut.log.endTransaction(p, true)
      await txAppend(ut.log, p, 'out', 0, 1, 'pending-0')
      await txAppend(ut.log, p, 'out', 1, 0, 'pending-1')
      await ut.log.sendOffsetsToTransaction(p, 'g', [{ topic: 'in', partition: 0, offset: 2 }])
      const log = await ut.crashAndReopen()
      assert.deepEqual(await committed(log, 'out', 0), ['done'])
      assert.deepEqual(await committed(log, 'out', 1), [])
      assert.deepEqual(await log.fetchOffsets('g'), [{ topic: 'in', partition: 0, offset: 1 }])
      const desc = (await log.describeTopic('out'))!.partitions
      for (const d of desc) assert.equal(d.lastStableOffset, d.highWatermark, 'no transaction left open')
      // The producer restarts and carries on.
      const again = await log.initProducer({ transactionalId: 'job' })
      await txAppend(log, again, 'out', 1, 0, 'retry-1')
      await log.endTransaction(again, true)
      assert.deepEqual(await committed(log, 'out', 1), ['retry-1'])
    }))

  test('a producer that dies before commit is aborted when its successor starts', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('out', { partitions: 1 })
      const dead = await log.initProducer({ transactionalId: 'job' })
      await txAppend(log, dead, 'out', 0, 0, 'lost')
      await log.initProducer({ transactionalId: 'job' })
      assert.deepEqual(await committed(log, 'out', 0), [])
      const d = (await log.describeTopic('out'))!.partitions[0]!
      assert.equal(d.lastStableOffset, d.highWatermark)
    }))

  test('committed transactions stay committed across a crash', () =>
    withLog(h, async (ut) => {
      await ut.log.createTopic('out', { partitions: 1 })
      const p = await ut.log.initProducer({ transactionalId: 'job' })
      await txAppend(ut.log, p, 'out', 0, 0, 'c1', 'c2')
      await ut.log.endTransaction(p, true)
      const log = await ut.crashAndReopen()
      assert.deepEqual(await committed(log, 'out', 0), ['c1', 'c2'])
    }))
}
