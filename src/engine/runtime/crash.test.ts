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
import { lateTopic, resultTopic } from '../jobs/built-in/built-in-jobs.js'
import {
  RollupCrashInput,
  checkRollupResults,
  committedLateRecords,
  committedResultRows,
  rollupReference,
  sampleKinds,
} from './testing/rollup-crash-input.js'
import type { RollupCheck } from './testing/rollup-crash-input.js'
import type { ProtocolBreak } from './testing/protocol-tap.js'
import {
  COUNT_INPUT,
  COUNT_OUTPUT,
  checkCounts,
  committedCounts,
  writeCountEvents,
} from './testing/counting-job.js'

/**
 * Engine crash tests (issue 4): a child process (test/crash/engine-task.ts) runs one task with a
 * 10 ms checkpoint interval over a growing input; the harness `kill -9`s it at random instants —
 * while starting or recovering, reading, processing, appending outputs, or committing; every third
 * run exactly between two steps of a commit (snapshot appended / offsets added / committed: the
 * child announces the step and stops there until the kill) — and restarts it. Afterwards the
 * committed (read_committed) output must be exactly that of an uninterrupted run:
 *
 * 1. the counting job: per key 1, 2, … N, with no repeat and no gap;
 * 2. the real built-in rollup job (10 s and 1 min windows, 5 s allowed lateness, 2 s
 *    out-of-orderness, a late topic) over generated input with disorder, duplicates, late data
 *    within the allowed lateness and data far too late (testing/rollup-crash-input.ts): the newest
 *    revision of every window equals an offline group-by, with nothing missing, extra or
 *    duplicated, and the late topic holds exactly the too-late samples, each once;
 * 3. the same rollup harness with the commit protocol broken on purpose must report the damage.
 *
 * Each of 1 and 2 kills VIGIL_CRASH_CYCLES times (default 30). VIGIL_CRASH_SEED replays a run's
 * random choices (kill instants and the generated input).
 */
const script = fileURLToPath(new URL('../../../test/crash/engine-task.js', import.meta.url))
const KEYS = 20
const EVENTS_PER_ROUND = 5_000
const PHASES = ['state-appended', 'offsets-added', 'committed'] as const

/** Child arguments: stop at the `nth` occurrence of commit step `phase` (until killed). */
function holdArgs(phase: string, nth: number): string[] {
  return ['--hold-at', phase, '--hold-nth', String(nth)]
}

const isHoldLine = (line: string): boolean => line.startsWith('hold ')

/** Runs the child to the end, undisturbed; fails with its stderr unless it exits with 0. */
async function runToEnd(args: readonly string[]): Promise<void> {
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    child.on('close', (code) => resolve({ code, stderr }))
  })
  assert.equal(code, 0, `the task failed:\n${stderr}`)
}

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
          args: phase === undefined ? [dir] : [dir, ...holdArgs(phase, rng.int(1, 3))],
          killAfterMs: fromSpawn ? rng.int(20, 150) : rng.int(1, 60),
          killFrom: fromSpawn && phase === undefined ? 'spawn' : 'ready',
          ...(phase === undefined ? {} : { killOnLine: isHoldLine, killAfterMs: 20_000 }),
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
    await runToEnd([dir])
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

/** Records per partition added at a time (100 s of event time; late samples start at record 60). */
const ROLLUP_ROUND = 100

async function addRollupRound(dir: string, input: RollupCrashInput): Promise<void> {
  const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none' })
  try {
    await input.append(log, ROLLUP_ROUND)
    await log.createTopic(resultTopic('rollups'), { partitions: 1 })
    await log.createTopic(lateTopic('rollups'), { partitions: 1 })
  } finally {
    await log.close()
  }
}

/** Committed rollup rows and late records of `dir`, checked against the offline reference. */
async function checkRollups(dir: string, input: RollupCrashInput): Promise<RollupCheck> {
  const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none' })
  try {
    const rows = await committedResultRows(log, resultTopic('rollups'), 0)
    const late = await committedLateRecords(log, lateTopic('rollups'), 0)
    return checkRollupResults(rows, late, rollupReference(input.samples))
  } finally {
    await log.close()
  }
}

function describeInput(input: RollupCrashInput): string {
  const byKind = sampleKinds.map((k) => `${input.samples.filter((s) => s.kind === k).length} ${k}`)
  return `${input.records} records per partition, samples: ${byKind.join(', ')}`
}

test('engine: kill -9 the built-in rollup job; the committed results equal an offline reference', async (t) => {
  const seed = crashSeed()
  const rng = new Rng(seed ^ 0x9e3779b9)
  const cycles = crashCycles(30)
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rollup-crash-'))
  const inputRng = rng.fork()
  const input = new RollupCrashInput(() => inputRng.next())
  const task = [dir, '--job', 'rollups']
  try {
    await addRollupRound(dir, input)
    const kinds = { random: 0, spawn: 0, phase: 0 }
    let kills = 0
    let rounds = 1
    while (kills < cycles) {
      const phase = kills % 3 === 2 ? PHASES[rng.int(0, PHASES.length - 1)]! : undefined
      const fromSpawn = phase === undefined && rng.int(0, 4) === 0
      try {
        await runUntilKilled({
          script,
          args: phase === undefined ? task : [...task, ...holdArgs(phase, rng.int(1, 4))],
          killAfterMs: fromSpawn ? rng.int(20, 500) : phase === undefined ? rng.int(1, 150) : 20_000,
          killFrom: fromSpawn ? 'spawn' : 'ready',
          ...(phase === undefined ? {} : { killOnLine: isHoldLine }),
        })
        kills++
        kinds[phase !== undefined ? 'phase' : fromSpawn ? 'spawn' : 'random']++
      } catch (err) {
        if (!(err instanceof ChildNotKilledError)) throw err
        assert.ok(err.lines.includes('done'), `the task exited without finishing:\n${err.stderr}`)
        await addRollupRound(dir, input)
        rounds++
      }
    }
    await runToEnd(task)
    const check = await checkRollups(dir, input)
    t.diagnostic(
      `${kills} kills (${kinds.random} at random instants, ${kinds.spawn} from the spawn, ${kinds.phase} ` +
        `between commit steps), ${rounds} rounds, ${describeInput(input)}; ${check.rows} committed rows: ` +
        `${check.summary}; ${reproduceHint(seed)}`,
    )
    assert.deepEqual(check.problems, [], `${check.summary} (${reproduceHint(seed)})`)
    // The input really exercised upserts and the late topic.
    assert.ok(check.upserted > 0, 'no window was upserted by data within the allowed lateness')
    assert.ok(check.lateRecords > 0, 'no late record')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

/**
 * The harness must fail when the protocol is broken (testing/protocol-tap.ts, applied in the child
 * only): each run stops at the commit step where the break does damage, in the first epoch that
 * produced results, and is killed there; then a last run completes.
 */
const BREAKS: readonly {
  mode: ProtocolBreak
  phase: string
  expect: readonly ('missing' | 'differs' | 'duplicate')[]
}[] = [
  { mode: 'offsets-outside-transaction', phase: 'offsets-added', expect: ['missing', 'differs'] },
  { mode: 'outputs-outside-transaction', phase: 'state-appended', expect: ['duplicate'] },
]

test('engine: the rollup crash harness reports a broken commit protocol', async (t) => {
  const seed = crashSeed()
  for (const { mode, phase, expect } of BREAKS) {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-rollup-broken-'))
    const rng = new Rng(seed)
    const input = new RollupCrashInput(() => rng.next())
    const task = [dir, '--job', 'rollups', '--break', mode]
    try {
      await addRollupRound(dir, input)
      const holds: string[] = []
      for (let i = 0; i < 3; i++) {
        const run = await runUntilKilled({
          script,
          args: [...task, ...holdArgs(phase, 1), '--hold-after-output'],
          killAfterMs: 20_000,
          killOnLine: isHoldLine,
        })
        const hold = run.lines.find(isHoldLine)
        assert.ok(hold !== undefined, `the ${mode} run was not killed at ${phase}:\n${run.stderr}`)
        holds.push(hold.slice('hold '.length))
      }
      await runToEnd(task)
      const check = await checkRollups(dir, input)
      const report =
        `broken protocol ${mode}: killed 3 times exactly at the commit step "${phase}" of an epoch with ` +
        `results (${holds.join('; ')}), then ran to the end; the harness reported: ${check.summary}`
      console.log(report)
      t.diagnostic(report)
      assert.ok(check.problems.length > 0, `the harness did not notice ${mode}`)
      assert.ok(
        expect.some((kind) => check.counts[kind] > 0),
        `${mode} should show as ${expect.join(' or ')}: ${check.summary}`,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
})
