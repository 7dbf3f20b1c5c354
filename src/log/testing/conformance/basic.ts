import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorCode } from '../../../core/errors.js'
import { readAll, rec, text, values, withLog } from './harness.js'
import type { LogConformanceHarness } from './harness.js'

/** Topics, ordering, offsets, reads by offset and byte limit, time lookups, restart. */
export function basicConformance(h: LogConformanceHarness): void {
  test('offsets are contiguous per partition, in append order, from 0', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('orders', { partitions: 3 })
      const a = await log.append('orders', 1, [rec('a0'), rec('a1'), rec('a2')])
      const b = await log.append('orders', 1, [rec('b0')])
      const c = await log.append('orders', 2, [rec('c0'), rec('c1')])
      assert.deepEqual([a.baseOffset, a.lastOffset, a.duplicate], [0, 2, false])
      assert.deepEqual([b.baseOffset, b.lastOffset], [3, 3])
      assert.deepEqual([c.baseOffset, c.lastOffset], [0, 1])
      const read = await log.read('orders', 1, 0)
      assert.deepEqual(values(read.records), ['a0', 'a1', 'a2', 'b0'])
      assert.deepEqual(
        read.records.map((r) => r.offset),
        [0, 1, 2, 3],
      )
      assert.equal(read.nextOffset, 4)
      assert.equal(read.highWatermark, 4)
      assert.deepEqual(values((await log.read('orders', 0, 0)).records), [])
    }))

  test('concurrent appends get distinct offsets in call order', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => log.append('t', 0, [rec(`v${i}`), rec(`w${i}`)])),
      )
      results.forEach((r, i) => assert.equal(r.baseOffset, i * 2))
      const all = await readAll(log, 't', 0)
      assert.equal(all.length, 100)
      assert.deepEqual(values(all).slice(0, 4), ['v0', 'w0', 'v1', 'w1'])
    }))

  test('records keep key, value, null and empty payloads and timestamps', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      await log.append('t', 0, [
        { key: Buffer.from('k'), value: Buffer.from('v'), timestampMs: 1_700_000_000_123 },
        { key: null, value: null, timestampMs: 5 },
        { key: new Uint8Array(0), value: new Uint8Array(0), timestampMs: 1_700_000_000_000.5 },
      ])
      const [r0, r1, r2] = (await log.read('t', 0, 0)).records
      assert.equal(text(r0!.key), 'k')
      assert.equal(text(r0!.value), 'v')
      assert.equal(r0!.timestampMs, 1_700_000_000_123)
      assert.equal(r1!.key, null)
      assert.equal(r1!.value, null)
      assert.equal(r1!.timestampMs, 5)
      assert.equal(r2!.key!.length, 0)
      assert.equal(r2!.value!.length, 0)
    }))

  test('read from a middle offset, at the high watermark, and out of range', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      for (let i = 0; i < 10; i++) await log.append('t', 0, [rec(`v${i}`)])
      assert.deepEqual(values((await log.read('t', 0, 7)).records), ['v7', 'v8', 'v9'])
      const atEnd = await log.read('t', 0, 10)
      assert.deepEqual(atEnd.records, [])
      assert.equal(atEnd.nextOffset, 10)
      await assert.rejects(log.read('t', 0, 11), (err) => errorCode(err) === 'OFFSET_OUT_OF_RANGE')
      await assert.rejects(log.read('t', 0, -1), (err) => errorCode(err) === 'INVALID_REQUEST')
    }))

  test('maxBytes bounds a read but always returns at least one batch; paging sees every record once', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1 })
      const big = 'x'.repeat(3000)
      for (let i = 0; i < 20; i++) await log.append('t', 0, [rec(`${i}:${big}`)])
      const first = await log.read('t', 0, 0, { maxBytes: 10 })
      assert.equal(first.records.length, 1, 'one batch even when it is bigger than maxBytes')
      const page = await log.read('t', 0, 0, { maxBytes: 10_000 })
      assert.ok(
        page.records.length >= 1 && page.records.length <= 4,
        `got ${page.records.length} records for 10 kB`,
      )
      const all = await readAll(log, 't', 0, { maxBytes: 7000 })
      assert.deepEqual(
        all.map((r) => r.offset),
        Array.from({ length: 20 }, (_, i) => i),
      )
      assert.ok(values(all).every((v, i) => v === `${i}:${big}`))
    }))

  test('unknown topics and partitions, and bad records, are rejected with a clear code', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 2 })
      await assert.rejects(
        log.append('nope', 0, [rec('x')]),
        (err) => errorCode(err) === 'UNKNOWN_TOPIC_OR_PARTITION',
      )
      await assert.rejects(
        log.append('t', 2, [rec('x')]),
        (err) => errorCode(err) === 'UNKNOWN_TOPIC_OR_PARTITION',
      )
      await assert.rejects(log.read('nope', 0, 0), (err) => errorCode(err) === 'UNKNOWN_TOPIC_OR_PARTITION')
      await assert.rejects(log.append('t', 0, []), (err) => errorCode(err) === 'INVALID_REQUEST')
      await assert.rejects(
        log.append('t', 0, [{ key: null, value: 'str' as unknown as Uint8Array, timestampMs: 1 }]),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
      await assert.rejects(
        log.append('t', 0, [{ key: null, value: null, timestampMs: Number.NaN }]),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
      await assert.rejects(
        log.createTopic('bad name!', { partitions: 1 }),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
      assert.equal(
        (await log.describeTopic('t'))!.partitions[0]!.highWatermark,
        0,
        'nothing written by rejected calls',
      )
    }))

  test('createTopic is idempotent for the same partition count and lists topics', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('a', { partitions: 2 })
      await log.createTopic('a', { partitions: 2 })
      await log.createTopic('b', { partitions: 1 })
      await assert.rejects(
        log.createTopic('a', { partitions: 3 }),
        (err) => errorCode(err) === 'INVALID_REQUEST',
      )
      const names = (await log.listTopics()).map((t) => t.name)
      assert.deepEqual(names, ['a', 'b'])
      const a = await log.describeTopic('a')
      assert.equal(a!.partitions.length, 2)
      assert.equal(await log.describeTopic('missing'), undefined)
    }))

  test('offsetForTime finds the first record at or after a timestamp', () =>
    withLog(h, async ({ log }) => {
      await log.createTopic('t', { partitions: 1, segmentBytes: 1024 })
      for (let i = 0; i < 100; i++)
        await log.append('t', 0, [rec(`v${i}`, { timestampMs: 1_000_000 + i * 10 })])
      assert.equal(await log.offsetForTime('t', 0, 0), 0)
      assert.equal(await log.offsetForTime('t', 0, 1_000_000 + 500), 50)
      assert.equal(await log.offsetForTime('t', 0, 1_000_000 + 505), 51)
      assert.equal(
        await log.offsetForTime('t', 0, 9_000_000),
        100,
        'past the newest record: the high watermark',
      )
    }))

  test('everything survives a clean restart, and appends continue after it', () =>
    withLog(h, async (ut) => {
      await ut.log.createTopic('t', { partitions: 2, segmentBytes: 2048 })
      for (let i = 0; i < 60; i++) await ut.log.append('t', i % 2, [rec(`v${i}`)])
      const log = await ut.reopen()
      assert.deepEqual(
        values(await readAll(log, 't', 0)),
        Array.from({ length: 30 }, (_, i) => `v${i * 2}`),
      )
      const next = await log.append('t', 0, [rec('after')])
      assert.equal(next.baseOffset, 30)
      assert.equal((await log.describeTopic('t'))!.partitions[1]!.highWatermark, 30)
    }))
}
