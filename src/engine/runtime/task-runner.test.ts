import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock } from '../../core/testing/manual-clock.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import { checkCounts, committedCounts, countingJob, writeCountEvents } from './testing/counting-job.js'
import type { Log } from '../../log/index.js'
import { TaskRunner } from './task-runner.js'
import type { TaskRunnerSettings } from './task-runner.js'

test('a task killed mid-epoch and restarted produces exactly the output of an uninterrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-task-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic('in', { partitions: 2 })
    await log.createTopic('out', { partitions: 1 })
    const expected = await writeCountEvents(log, 0, 20, 3)
    const settings = bothPartitions

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

/** An embedded log with topics `in` (2 partitions) and `out` for the counting job, removed after. */
async function withCountingLog(fn: (log: Log) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-task-'))
  const log = await openEmbeddedLog({ dataDir: dir })
  try {
    await log.createTopic('in', { partitions: 2 })
    await log.createTopic('out', { partitions: 1 })
    await fn(log)
  } finally {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  }
}

/** One task over both partitions of `in`, checkpoints every second, small reads. */
function bothPartitions(clock: ManualClock): TaskRunnerSettings {
  return {
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
  }
}

/** As bothPartitions, with commits overlapping processing. */
function overlapping(
  clock: ManualClock,
  onCommitPhase: TaskRunnerSettings['onCommitPhase'],
): TaskRunnerSettings {
  return {
    ...bothPartitions(clock),
    overlapCommits: true,
    ...(onCommitPhase === undefined ? {} : { onCommitPhase }),
  }
}

test('overlapped commits: the next epoch is processed while a commit completes, its outputs held until then', () =>
  withCountingLog(async (log) => {
    const expected = await writeCountEvents(log, 0, 40, 3)
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    const phases: string[] = []
    const clock = new ManualClock()
    const runner = new TaskRunner(
      log,
      countingJob(),
      overlapping(clock, async (phase, epoch) => {
        phases.push(`${phase} ${epoch}`)
        if (epoch === 1 && phase === 'state-appended') await released
      }),
    )
    await runner.start()
    await runner.poll()
    clock.advance(1_000)
    await runner.poll() // begins epoch 1's commit, which now waits at state-appended
    assert.equal(runner.epoch, 2, 'epoch 2 started while epoch 1 commits')
    const outEnd = async (): Promise<number> => (await log.describeTopic('out'))!.partitions[0]!.highWatermark
    const appendedBefore = await outEnd()
    assert.ok((await runner.poll()) > 0, 'epoch 2 reads while epoch 1 commits')
    assert.equal(await outEnd(), appendedBefore, 'epoch 2 outputs are held, not in epoch 1 transaction')
    assert.deepEqual(phases, ['state-appended 1'])
    assert.deepEqual(await committedCounts(log), [], 'nothing visible before the commit ends')
    release()
    while ((await runner.poll()) > 0) clock.advance(100)
    await runner.commit()
    assert.ok(phases.includes('committed 1') && phases.includes('committed 2'), phases.join(', '))
    assert.deepEqual(checkCounts(await committedCounts(log)), expected, 'every event counted once')
  }))

test('overlapped commits: a commit that fails is thrown by the next poll and commit', () =>
  withCountingLog(async (log) => {
    await writeCountEvents(log, 0, 10, 1)
    const clock = new ManualClock()
    const runner = new TaskRunner(
      log,
      countingJob(),
      overlapping(clock, (phase) => {
        if (phase === 'offsets-added') throw new Error('disk on fire')
        return Promise.resolve()
      }),
    )
    await runner.start()
    clock.advance(1_000)
    await runner.poll() // the commit begins and fails in the background
    await new Promise((resolve) => setTimeout(resolve, 20))
    await assert.rejects(runner.poll(), /disk on fire/)
    await assert.rejects(runner.commit(), /disk on fire/)
  }))
