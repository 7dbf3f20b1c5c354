import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MAX_COUNTED_RECEIVERS,
  MemoryDeliveryLog,
  OTHER_RECEIVER,
  fanOutDeliveryLog,
} from './delivery-log.js'
import type { DeliveryRecord } from './delivery-record.js'

function rec(n: number, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    receiver: 'ops',
    tenant: 'acme',
    idempotencyKey: `k${n}`,
    groupKey: 'g',
    alertStatus: 'firing',
    status: 'delivered',
    attempts: 1,
    httpStatus: 200,
    errorCode: null,
    error: null,
    dropReason: null,
    enqueuedAtMs: n,
    finishedAtMs: n + 1,
    ...overrides,
  }
}

describe('MemoryDeliveryLog', () => {
  it('holds the newest records, oldest first, and counts all of them', () => {
    const log = new MemoryDeliveryLog(3)
    for (let i = 1; i <= 5; i++) log.record(rec(i))
    assert.equal(log.total, 5)
    assert.deepEqual(
      log.recent().map((r) => r.idempotencyKey),
      ['k3', 'k4', 'k5'],
    )
    assert.deepEqual(
      log.recent(2).map((r) => r.idempotencyKey),
      ['k4', 'k5'],
    )
    assert.equal(log.counters().get('ops')?.delivered, 5)
  })

  it('counts outcomes, drop reasons and attempts per receiver', () => {
    const log = new MemoryDeliveryLog()
    log.record(rec(1, { attempts: 3 }))
    log.record(rec(2, { status: 'failed', attempts: 5, httpStatus: 503, errorCode: 'NOTIFY_HTTP_STATUS' }))
    log.record(rec(3, { status: 'dropped', attempts: 0, dropReason: 'queue_full' }))
    log.record(rec(4, { receiver: 'am', status: 'dropped', attempts: 0, dropReason: 'shutdown' }))
    const ops = log.counters().get('ops')!
    assert.deepEqual(
      { delivered: ops.delivered, failed: ops.failed, attempts: ops.attempts, full: ops.dropped.queue_full },
      { delivered: 1, failed: 1, attempts: 8, full: 1 },
    )
    assert.equal(log.counters().get('am')?.dropped.shutdown, 1)
    assert.equal(log.recent().length, 4)
  })

  it('bounds the receivers it counts by name', () => {
    const log = new MemoryDeliveryLog(10)
    for (let i = 0; i < MAX_COUNTED_RECEIVERS + 5; i++) log.record(rec(i, { receiver: `r${i}` }))
    const counters = log.counters()
    assert.equal(counters.size, MAX_COUNTED_RECEIVERS + 1)
    assert.equal(counters.get(OTHER_RECEIVER)?.delivered, 5)
  })

  it('returns copies of its counters', () => {
    const log = new MemoryDeliveryLog()
    log.record(rec(1))
    const before = log.counters()
    log.record(rec(2))
    assert.equal(before.get('ops')?.delivered, 1)
  })

  it('fans records out to several logs', () => {
    const a = new MemoryDeliveryLog()
    const b = new MemoryDeliveryLog()
    fanOutDeliveryLog(a, b).record(rec(1))
    assert.deepEqual([a.total, b.total], [1, 1])
  })
})
