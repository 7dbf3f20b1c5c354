import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test } from 'node:test'
import { GroupCommit } from './group-commit.js'
import type { FsyncTarget } from './group-commit.js'

function tmpTarget(): { target: FsyncTarget; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gc-'))
  const fd = fs.openSync(path.join(dir, 'f'), 'w')
  return {
    target: { syncFd: () => fd },
    cleanup: () => {
      fs.closeSync(fd)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

test('always: concurrent waiters share one fsync cycle, and none resolves before it', async () => {
  const { target, cleanup } = tmpTarget()
  const cycles: number[] = []
  const gc = new GroupCommit('always', 1000, (files) => cycles.push(files))
  let resolved = 0
  const waits = Array.from({ length: 10 }, () => gc.waitDurable(target).then(() => resolved++))
  assert.equal(resolved, 0)
  await Promise.all(waits)
  assert.equal(resolved, 10)
  assert.deepEqual(cycles, [1], 'one cycle, one file')
  cleanup()
})

test('interval: writes after a cycle are fsynced by one cycle about intervalMs later, not at once', async () => {
  const { target, cleanup } = tmpTarget()
  let cycles = 0
  const gc = new GroupCommit('interval', 30, () => cycles++)
  await gc.flush() // a cycle just ran: the next one is due 30 ms after it started
  gc.written(target)
  gc.written(target)
  await new Promise((r) => setImmediate(r))
  assert.equal(cycles, 1, 'no second fsync before the interval elapsed')
  const deadline = performance.now() + 5000
  while (cycles === 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  assert.equal(cycles, 2, 'one cycle covered both writes')
  cleanup()
})

test('interval: a write when a cycle is overdue starts it at once, even on a busy loop', async () => {
  const { target, cleanup } = tmpTarget()
  const started: number[] = []
  const gc = new GroupCommit('interval', 1, () => started.push(1))
  await gc.flush()
  const until = performance.now() + 5
  while (performance.now() < until) {
    // a busy loop: no timer can run here
  }
  gc.written(target) // overdue: the cycle (its fsync) starts inside this call
  await gc.flush()
  assert.equal(started.length, 3, 'the overdue cycle ran, then the flush')
  cleanup()
})

test('interval: waitDurable (control-plane writes) does not wait for the interval', async () => {
  const { target, cleanup } = tmpTarget()
  let cycles = 0
  const gc = new GroupCommit('interval', 60_000, () => cycles++)
  await gc.flush()
  gc.written(target) // not due: schedules a cycle a minute from now
  await gc.waitDurable(target)
  assert.equal(cycles, 2)
  await gc.flush() // leaves no timer behind
  cleanup()
})

test('none: nothing is fsynced until flush', async () => {
  const { target, cleanup } = tmpTarget()
  let cycles = 0
  const gc = new GroupCommit('none', 1, () => cycles++)
  gc.written(target)
  await gc.waitDurable(target)
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(cycles, 0)
  await gc.flush()
  assert.equal(cycles, 1)
  cleanup()
})

test('a failed fsync rejects the waiters with a retryable storage error', async () => {
  const gc = new GroupCommit('always', 5, () => undefined)
  const target: FsyncTarget = {
    syncFd: () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })
    },
  }
  await assert.rejects(gc.waitDurable(target), (err: Error & { code?: string; retryable?: boolean }) => {
    return err.code === 'KAFKA_STORAGE_ERROR' && err.retryable === true
  })
})
