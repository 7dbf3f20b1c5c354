import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { Log } from '../../log/index.js'
import type { Operator } from '../api/index.js'
import { numberCodec, valueTable } from '../state/index.js'
import { TaskRunner } from './task-runner.js'
import type { TaskJob } from './task-job.js'
import {
  COUNT_INPUT,
  COUNT_OUTPUT,
  checkCounts,
  committedCounts,
  writeCountEvents,
} from './testing/counting-job.js'
import type { CountEvent } from './testing/counting-job.js'

const counts = valueTable('counts', numberCodec)

/** A running count per key kept in a declared state table (no snapshot code of its own). */
function tableCountingJob(): TaskJob<CountEvent, string> {
  const operator: Operator<CountEvent, string> = {
    stateTables: [counts],
    processBatch(e, ctx, out) {
      const table = ctx.table(counts)
      const n = (table.get(e.key) ?? 0) + 1
      table.set(e.key, n)
      out.emit(`${e.key}=${n}`)
    },
  }
  return {
    name: 'table-count',
    decode: (v) => JSON.parse(Buffer.from(v).toString()) as CountEvent,
    maxEventTimeMs: (e) => e.ts,
    operator,
    encode: (s) => [
      { topic: COUNT_OUTPUT, partition: 0, records: [{ key: null, value: Buffer.from(s), timestampMs: 0 }] },
    ],
    snapshot: () => ({ bytes: new Uint8Array(0), full: true }),
    restore: () => undefined,
  }
}

function runner(log: Log, clock: ManualClock): TaskRunner<CountEvent, string> {
  return new TaskRunner(log, tableCountingJob(), {
    task: 0,
    tasks: 1,
    inputs: [
      { topic: COUNT_INPUT, partition: 0 },
      { topic: COUNT_INPUT, partition: 1 },
    ],
    clock,
    checkpointIntervalMs: 1_000,
    watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
    maxPollBytes: 256,
  })
}

test('declared state tables are restored from full + delta snapshots: a crashed task resumes exactly once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-state-tables-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(COUNT_INPUT, { partitions: 2 })
    await log.createTopic(COUNT_OUTPUT, { partitions: 1 })
    const expected = await writeCountEvents(log, 0, 400, 200) // 200 keys, each twice
    const clock = new ManualClock()
    const first = runner(log, clock)
    await first.start()
    const sizes: number[] = []
    while ((await first.poll()) > 0) {
      await first.commit()
      sizes.push(first.status().lastSnapshotBytes)
    }
    // Epoch 1 is a full snapshot of the keys seen so far; later ones carry only changed keys.
    assert.ok(sizes.length >= 4, `several epochs (${sizes.length})`)
    const largest = Math.max(...sizes)
    assert.ok(
      sizes.filter((n) => n * 4 < largest).length >= sizes.length / 2,
      `most snapshots are small deltas: ${sizes.join(' ')}`,
    )

    for (const [k, n] of await writeCountEvents(log, 400, 460, 200))
      expected.set(k, (expected.get(k) ?? 0) + n)
    await first.poll() // reads and emits in an epoch that never commits: the "crash"

    const second = runner(log, clock)
    await second.start() // fences the first, restores the table from the full snapshot + deltas
    while ((await second.poll()) > 0) clock.advance(100)
    await second.commit()
    assert.deepEqual(checkCounts(await committedCounts(log)), expected)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('an operator asking for a table it did not declare gets a clear error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-state-tables-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(COUNT_INPUT, { partitions: 2 })
    await log.createTopic(COUNT_OUTPUT, { partitions: 1 })
    await writeCountEvents(log, 0, 2, 1)
    const job = tableCountingJob()
    const undeclared: TaskJob<CountEvent, string> = {
      ...job,
      operator: { processBatch: (e, ctx) => ctx.table(counts).set(e.key, 1) },
    }
    const r = new TaskRunner(log, undeclared, {
      task: 0,
      tasks: 1,
      inputs: [{ topic: COUNT_INPUT, partition: 0 }],
      clock: new ManualClock(),
      checkpointIntervalMs: 1_000,
      watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
    })
    await r.start()
    await assert.rejects(r.poll(), /uses state table counts but its operator declares none/)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('operators get a processing-time tick about once a second from poll()', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-tick-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(COUNT_INPUT, { partitions: 1 })
    const ticks: number[] = []
    const job: TaskJob<CountEvent, string> = {
      ...tableCountingJob(),
      operator: { processBatch: () => undefined, onTick: (now) => ticks.push(now) },
    }
    const clock = new ManualClock(1_000_000)
    const r = new TaskRunner(log, job, {
      task: 0,
      tasks: 1,
      inputs: [{ topic: COUNT_INPUT, partition: 0 }],
      clock,
      checkpointIntervalMs: 60_000,
      watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
    })
    await r.start()
    await r.poll()
    clock.advance(400)
    await r.poll()
    clock.advance(600)
    await r.poll()
    assert.deepEqual(ticks, [1_000_000, 1_001_000])
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})

test('with outputCommitDelayMs an epoch that produced outputs commits early; one without waits for the interval', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-early-commit-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic(COUNT_INPUT, { partitions: 1 })
    await log.createTopic(COUNT_OUTPUT, { partitions: 1 })
    const clock = new ManualClock()
    const r = new TaskRunner(log, tableCountingJob(), {
      task: 0,
      tasks: 1,
      inputs: [{ topic: COUNT_INPUT, partition: 0 }],
      clock,
      checkpointIntervalMs: 10_000,
      outputCommitDelayMs: 100,
      watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
    })
    await r.start()
    clock.advance(500)
    await r.poll() // nothing read, no output: no commit before the interval
    assert.equal(r.epoch, 1)
    await log.append(COUNT_INPUT, 0, [
      { key: null, value: Buffer.from('{"key":"a","ts":1}'), timestampMs: 1 },
    ])
    await r.poll() // outputs appended in an epoch 500 ms old: commits now
    assert.equal(r.epoch, 2)
    assert.deepEqual(await committedCounts(log), ['a=1'])
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
