/**
 * Test-only child process for the engine crash test: runs the counting job's task over the input
 * in `argv[2]` (a data dir) with a short checkpoint interval, prints `ready` once started and
 * `done` once every input record is processed and committed, then exits. The parent kills it with
 * SIGKILL at random instants, including during commits.
 */
import { systemClock } from '../../src/core/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { TaskRunner } from '../../src/engine/runtime/task-runner.js'
import { COUNT_INPUT, countingJob } from '../../src/engine/runtime/testing/counting-job.js'

const dataDir = process.argv[2]!
const checkpointIntervalMs = Number(process.argv[3] ?? 10)
/** With `phases`, every commit step is announced (`phase <name> <epoch>`) and held for 20 ms. */
const announcePhases = process.argv[4] === 'phases'
const log = await openEmbeddedLog({ dataDir, fsync: 'none' })
const runner = new TaskRunner(log, countingJob(), {
  task: 0,
  tasks: 1,
  inputs: [
    { topic: COUNT_INPUT, partition: 0 },
    { topic: COUNT_INPUT, partition: 1 },
  ],
  clock: systemClock,
  checkpointIntervalMs,
  watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 },
  maxPollBytes: 2048,
  ...(announcePhases
    ? {
        onCommitPhase: async (phase: string, epoch: number) => {
          process.stdout.write(`phase ${phase} ${epoch}\n`)
          await new Promise((r) => setTimeout(r, 20))
        },
      }
    : {}),
})
await runner.start()
process.stdout.write('ready\n')
while ((await runner.poll()) > 0) {
  // keep going; commits happen inside poll when the interval is due
}
await runner.commit()
process.stdout.write('done\n')
await log.close()
