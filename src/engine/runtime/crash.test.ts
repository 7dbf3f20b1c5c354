import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  ChildNotKilledError,
  Rng,
  crashCycles,
  crashSeed,
  reproduceHint,
  runUntilKilled,
} from '../../../test/crash/harness.js'
import { openEmbeddedLog } from '../../log/embedded/index.js'
import {
  COUNT_INPUT,
  COUNT_OUTPUT,
  checkCounts,
  committedCounts,
  writeCountEvents,
} from './testing/counting-job.js'

/**
 * Engine crash test (issue 4, point 7, first part): a child runs a task of the counting job with a
 * 10 ms checkpoint interval over a growing input; the harness `kill -9`s it at random instants —
 * while reading, processing, appending outputs, or committing; every third run exactly between
 * the steps of a commit (snapshot appended / offsets added / committed) — and restarts it, at least
 * VIGIL_CRASH_CYCLES times (default 30 here). Afterwards the committed (read_committed) output must
 * be exactly that of an uninterrupted run: per key 1, 2, … N, with no repeat and no gap, N the
 * number of input events of the key. VIGIL_CRASH_SEED replays a run's random choices.
 */
const script = fileURLToPath(new URL('../../../test/crash/engine-task.js', import.meta.url))
const KEYS = 20
const EVENTS_PER_ROUND = 5_000
const PHASES = ['state-appended', 'offsets-added', 'committed'] as const

test('engine: kill -9 a task at random instants; the committed output equals an uninterrupted run', async (t) => {
  const seed = crashSeed()
  const rng = new Rng(seed)
  const cycles = crashCycles(30)
  const dir = await mkdtemp(join(tmpdir(), 'vigil-engine-crash-'))
  const expected = new Map<string, number>()
  let written = 0
  const addInput = async (): Promise<void> => {
    const log = await openEmbeddedLog({ dataDir: dir })
    try {
      await log.createTopic(COUNT_INPUT, { partitions: 2 })
      await log.createTopic(COUNT_OUTPUT, { partitions: 1 })
      for (const [k, n] of await writeCountEvents(log, written, written + EVENTS_PER_ROUND, KEYS)) {
        expected.set(k, (expected.get(k) ?? 0) + n)
      }
      written += EVENTS_PER_ROUND
    } finally {
      await log.close()
    }
  }
  try {
    await addInput()
    let kills = 0
    let finishedRuns = 0
    while (kills < cycles) {
      try {
        // Mostly at a random instant mid-run; one in five from the spawn (start-up and recovery);
        // every third run at a precise step of a commit, named by the child.
        const fromSpawn = rng.int(0, 4) === 0
        const phase = kills % 3 === 2 ? PHASES[rng.int(0, PHASES.length - 1)]! : undefined
        await runUntilKilled({
          script,
          args: phase === undefined ? [dir] : [dir, '10', 'phases'],
          killAfterMs: fromSpawn ? rng.int(20, 150) : rng.int(1, 60),
          killFrom: fromSpawn && phase === undefined ? 'spawn' : 'ready',
          ...(phase === undefined
            ? {}
            : { killOnLine: (line: string) => line.startsWith(`phase ${phase} `) }),
        })
        kills++
      } catch (err) {
        if (!(err instanceof ChildNotKilledError)) throw err
        // It finished everything before the kill: give it more input.
        assert.ok(err.lines.includes('done'), `the task exited without finishing:\n${err.stderr}`)
        finishedRuns++
        await addInput()
      }
    }
    // A last run to completion, undisturbed.
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [script, dir], { stdio: 'ignore' })
      child.on('close', resolve)
    })
    assert.equal(code, 0)
    const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none' })
    let outputs: string[]
    try {
      outputs = await committedCounts(log)
    } finally {
      await log.close()
    }
    t.diagnostic(
      `${kills} kills, ${finishedRuns} runs that finished, ${written} input events, ${reproduceHint(seed)}`,
    )
    assert.deepEqual(
      checkCounts(outputs),
      expected,
      `committed output differs from the reference (${reproduceHint(seed)})`,
    )
    assert.equal(outputs.length, written)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
