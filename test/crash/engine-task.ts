/**
 * Test-only child process for the engine crash tests: runs one task over the input in a data dir
 * with a short checkpoint interval, prints `ready` once started and `done` once every input
 * record is processed and committed, then exits. The parent kills it with SIGKILL at random
 * instants, including exactly between the steps of a commit.
 *
 *   node engine-task.js <dataDir> [--job count|rollups] [--interval ms] [--max-poll-bytes n]
 *                       [--hold-at state-appended|offsets-added|committed] [--hold-nth n]
 *                       [--hold-after-output] [--break offsets-outside-transaction|outputs-outside-transaction]
 *
 * - `--job count` (default): the counting job (testing/counting-job.ts). `--job rollups`: the real
 *   built-in rollup job (`builtInJobs`, results to `vigil.results.rollups`, late records to
 *   `vigil.late.rollups`, as the engine host runs it) over testing/rollup-crash-input.ts's input.
 * - `--hold-at P`: every commit step is announced (`phase <P> <epoch>`); at the `--hold-nth`
 *   (default 1) occurrence of step P the child prints `hold <P> <epoch> outputs=<n>` and stops
 *   there for good, so a kill on that line lands exactly between two commit steps. With
 *   `--hold-after-output`, only epochs that appended to the result topic count.
 * - `--break B`: the Log handed to the TaskRunner breaks the commit protocol (testing/protocol-tap.ts),
 *   to prove the crash test catches it. Production code is untouched.
 */
import { parseArgs } from 'node:util'
import { systemClock } from '../../src/core/index.js'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import { TaskRunner } from '../../src/engine/runtime/task-runner.js'
import type { TaskRunnerSettings } from '../../src/engine/runtime/task-runner.js'
import type { TaskJob } from '../../src/engine/runtime/task-job.js'
import { builtInJobs, lateTopic, resultTopic } from '../../src/engine/jobs/built-in/built-in-jobs.js'
import { COUNT_INPUT, countingJob } from '../../src/engine/runtime/testing/counting-job.js'
import {
  ROLLUP_CRASH_INPUT,
  ROLLUP_CRASH_PARTITIONS,
  rollupCrashConfig,
} from '../../src/engine/runtime/testing/rollup-crash-input.js'
import { isProtocolBreak, tapLog } from '../../src/engine/runtime/testing/protocol-tap.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    job: { type: 'string', default: 'count' },
    interval: { type: 'string', default: '10' },
    'max-poll-bytes': { type: 'string', default: '2048' },
    'hold-at': { type: 'string' },
    'hold-nth': { type: 'string', default: '1' },
    'hold-after-output': { type: 'boolean', default: false },
    break: { type: 'string' },
  },
})
const dataDir = positionals[0]!
const checkpointIntervalMs = Number(values.interval)
const holdAt = values['hold-at']
const holdNth = Number(values['hold-nth'])
const broken = values.break
if (broken !== undefined && !isProtocolBreak(broken)) throw new Error(`unknown --break ${broken}`)

const base = await openEmbeddedLog({ dataDir, fsync: 'none' })
let outputTopic = ''
let outputsThisEpoch = 0
const log = tapLog(base, {
  ...(broken === undefined ? {} : { break: broken }),
  onAppend: (topic, _partition, n) => {
    if (topic === outputTopic) outputsThisEpoch += n
  },
})

let job: TaskJob<unknown, unknown>
let settings: TaskRunnerSettings
// Commits overlap processing as in the engine's workers, so the kills cover that mode too.
const common = { task: 0, tasks: 1, clock: systemClock, checkpointIntervalMs, overlapCommits: true }
const maxPollBytes = Number(values['max-poll-bytes'])
if (values.job === 'rollups') {
  const { jobs, engine } = rollupCrashConfig(checkpointIntervalMs)
  const [rollups] = builtInJobs(jobs, engine, { metrics: ROLLUP_CRASH_INPUT, traces: '-', logs: '-' })
  if (rollups === undefined || rollups.name !== 'rollups') throw new Error('no rollups job')
  outputTopic = resultTopic(rollups.name)
  job = rollups.createTask(0, outputTopic) as TaskJob<unknown, unknown>
  settings = {
    ...common,
    inputs: Array.from({ length: ROLLUP_CRASH_PARTITIONS }, (_, partition) => ({
      topic: ROLLUP_CRASH_INPUT,
      partition,
    })),
    watermarks: { maxOutOfOrdernessMs: engine.maxOutOfOrderness, idleTimeoutMs: engine.idleTimeout },
    sideTopic: lateTopic(rollups.name),
    maxPollBytes,
  }
} else {
  outputTopic = 'out'
  job = countingJob() as unknown as TaskJob<unknown, unknown>
  settings = {
    ...common,
    inputs: [
      { topic: COUNT_INPUT, partition: 0 },
      { topic: COUNT_INPUT, partition: 1 },
    ],
    watermarks: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 600_000 },
    maxPollBytes,
  }
}

let seen = 0
const runner = new TaskRunner<unknown, unknown>(log, job, {
  ...settings,
  ...(holdAt === undefined
    ? {}
    : {
        onCommitPhase: async (phase: string, epoch: number) => {
          process.stdout.write(`phase ${phase} ${epoch}\n`)
          const counts = !values['hold-after-output'] || outputsThisEpoch > 0
          if (phase === holdAt && counts && ++seen === holdNth) {
            process.stdout.write(`hold ${phase} ${epoch} outputs=${outputsThisEpoch}\n`)
            // Stay between the two steps until the parent's SIGKILL.
            await new Promise(() => setInterval(() => {}, 1 << 30))
          }
          if (phase === 'committed') outputsThisEpoch = 0
        },
      }),
})
await runner.start()
process.stdout.write('ready\n')
while ((await runner.poll()) > 0) {
  // keep going; commits happen inside poll when the interval is due
}
await runner.commit()
process.stdout.write('done\n')
await log.close()
