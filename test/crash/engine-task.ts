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
import { ROLLUP_INPUT, rollupTestJob } from '../../src/engine/runtime/testing/rollup-test-job.js'

const dataDir = process.argv[2]!
const checkpointIntervalMs = Number(process.argv[3] ?? 10)
/** With `phases`, every commit step is announced (`phase <name> <epoch>`) and held for 20 ms. */
const announcePhases = process.argv[4] === 'phases'
/** `rollup`: the real rollup operator over metric batches instead of the counting job. */
const rollup = process.argv[5] === 'rollup'
const input = rollup ? ROLLUP_INPUT : COUNT_INPUT
const log = await openEmbeddedLog({ dataDir, fsync: 'none' })
const runner = new TaskRunner<unknown, unknown>(log, (rollup ? rollupTestJob() : countingJob()) as never, {
  task: 0,
  tasks: 1,
  inputs: [
    { topic: input, partition: 0 },
    { topic: input, partition: 1 },
  ],
  clock: systemClock,
  checkpointIntervalMs,
  watermarks: { maxOutOfOrdernessMs: rollup ? 5_000 : 0, idleTimeoutMs: 600_000 },
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
