import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import type { Log } from '../../log/index.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import type { TaskJob } from './task-job.js'
import { TaskRunner } from './task-runner.js'

interface Event {
  readonly key: string
  readonly ts: number
}

/** A running count per key: each input event emits `key=count`; the counts are the state. */
function countingJob(): TaskJob<Event, string> & { counts: Map<string, number> } {
  const counts = new Map<string, number>()
  return {
    name: 'count',
    counts,
    decode: (v) => JSON.parse(Buffer.from(v).toString()) as Event,
    maxEventTimeMs: (e) => e.ts,
    operator: {
      processBatch(e, _ctx, out) {
        const n = (counts.get(e.key) ?? 0) + 1
        counts.set(e.key, n)
        out.emit(`${e.key}=${n}`)
      },
    },
    encode: (s) => [
      { topic: 'out', partition: 0, records: [{ key: null, value: Buffer.from(s), timestampMs: 0 }] },
    ],
    snapshot: () => ({ bytes: Buffer.from(JSON.stringify([...counts])), full: true }),
    restore(snapshots) {
      counts.clear()
      const last = snapshots[snapshots.length - 1]
      if (last !== undefined)
        for (const [k, v] of JSON.parse(Buffer.from(last).toString()) as [string, number][]) counts.set(k, v)
    },
  }
}

async function committed(log: Log): Promise<string[]> {
  const out: string[] = []
  let at = 0
  for (;;) {
    const res = await log.read('out', 0, at, { isolation: 'read_committed' })
    for (const r of res.records) out.push(Buffer.from(r.value!).toString())
    if (res.records.length === 0) return out
    at = res.nextOffset
  }
}

test('a task killed mid-epoch and restarted produces exactly the output of an uninterrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-task-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic('in', { partitions: 2 })
    await log.createTopic('out', { partitions: 1 })
    const keys = ['a', 'b', 'c']
    const expectedCounts = new Map<string, number>()
    const settings = (clock: ManualClock) => ({
      task: 0,
      tasks: 1,
      inputs: [
        { topic: 'in', partition: 0 },
        { topic: 'in', partition: 1 },
      ],
      clock,
      checkpointIntervalMs: 1_000,
      watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
      maxPollBytes: 64,
    })
    const write = async (i: number) => {
      const key = keys[i % 3]!
      expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1)
      await log.append('in', i % 2, [
        { key: null, value: Buffer.from(JSON.stringify({ key, ts: i })), timestampMs: i },
      ])
    }
    for (let i = 0; i < 20; i++) await write(i)

    const clock = new ManualClock()
    const first = new TaskRunner(log, countingJob(), settings(clock))
    await first.start()
    await first.poll()
    clock.advance(1_000)
    await first.poll() // commits epoch 1
    await first.poll() // reads more, appends outputs in epoch 2, no commit: then "crashes"
    assert.equal(first.epoch, 2)

    for (let i = 20; i < 30; i++) await write(i)
    const second = new TaskRunner(log, countingJob(), settings(clock))
    await second.start()
    assert.equal(second.epoch, 2, 'resumes after the last committed epoch')
    while ((await second.poll()) > 0) clock.advance(100)
    await second.commit()

    const outputs = await committed(log)
    const last = new Map<string, number>()
    for (const o of outputs) {
      const [k, n] = o.split('=') as [string, string]
      assert.equal(
        Number(n),
        (last.get(k) ?? 0) + 1,
        `counts of ${k} go up by one: no duplicate, no gap (${outputs.join(' ')})`,
      )
      last.set(k, Number(n))
    }
    assert.deepEqual(last, expectedCounts)
    assert.equal(outputs.length, 30)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
