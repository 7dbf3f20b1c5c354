import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { checkCounts, committedCounts, countingJob, writeCountEvents } from './testing/counting-job.js'
import { TaskRunner } from './task-runner.js'

test('a task killed mid-epoch and restarted produces exactly the output of an uninterrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-task-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic('in', { partitions: 2 })
    await log.createTopic('out', { partitions: 1 })
    const expected = await writeCountEvents(log, 0, 20, 3)
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

    const clock = new ManualClock()
    const first = new TaskRunner(log, countingJob(), settings(clock))
    await first.start()
    await first.poll()
    clock.advance(1_000)
    await first.poll() // commits epoch 1
    await first.poll() // reads more, appends outputs in epoch 2, no commit: then "crashes"
    assert.equal(first.epoch, 2)

    for (const [k, n] of await writeCountEvents(log, 20, 30, 3)) expected.set(k, (expected.get(k) ?? 0) + n)
    const second = new TaskRunner(log, countingJob(), settings(clock))
    await second.start()
    assert.equal(second.epoch, 2, 'resumes after the last committed epoch')
    while ((await second.poll()) > 0) clock.advance(100)
    await second.commit()

    const outputs = await committedCounts(log)
    assert.deepEqual(checkCounts(outputs), expected, 'no duplicate, no gap, every event counted')
    assert.equal(outputs.length, 30)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
})
