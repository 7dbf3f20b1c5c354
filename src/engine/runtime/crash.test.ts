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
import { ROLLUP_INPUT, ROLLUP_OUTPUT, ROLLUP_WINDOW_MS, writeMetricInput } from './testing/rollup-test-job.js'
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

test('engine: kill -9 the rollup task; the committed window results equal an offline reference', async (t) => {
  const seed = crashSeed()
  const rng = new Rng(seed ^ 0x9e3779b9)
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rollup-crash-'))
  const samples: { series: string; ts: number; value: number }[] = []
  let batches = 0
  const addInput = async (): Promise<void> => {
    const log = await openEmbeddedLog({ dataDir: dir })
    try {
      await log.createTopic(ROLLUP_INPUT, { partitions: 2 })
      await log.createTopic(ROLLUP_OUTPUT, { partitions: 1 })
      samples.push(...(await writeMetricInput(log, batches, 200, 30)))
      batches += 200
    } finally {
      await log.close()
    }
  }
  try {
    await addInput()
    let kills = 0
    while (kills < 12) {
      try {
        const phase = kills % 3 === 2 ? PHASES[rng.int(0, PHASES.length - 1)]! : undefined
        await runUntilKilled({
          script,
          args: [dir, '10', phase === undefined ? '-' : 'phases', 'rollup'],
          killAfterMs: rng.int(1, 80),
          ...(phase === undefined
            ? {}
            : { killOnLine: (line: string) => line.startsWith(`phase ${phase} `) }),
        })
        kills++
      } catch (err) {
        if (!(err instanceof ChildNotKilledError)) throw err
        assert.ok(err.lines.includes('done'), `the task exited without finishing:\n${err.stderr}`)
        await addInput()
      }
    }
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [script, dir, '10', '-', 'rollup'], { stdio: 'ignore' }).on('close', resolve)
    })
    assert.equal(code, 0)
    const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none' })
    const rows: {
      series: string
      windowStart: number
      revision: number
      aggregate: { count: number; sum: number; min: number; max: number; last: number }
    }[] = []
    try {
      let at = 0
      for (;;) {
        const res = await log.read(ROLLUP_OUTPUT, 0, at, { isolation: 'read_committed' })
        for (const r of res.records)
          rows.push(JSON.parse(Buffer.from(r.value!).toString()) as (typeof rows)[number])
        if (res.records.length === 0) break
        at = res.nextOffset
      }
    } finally {
      await log.close()
    }
    // Reference: group by (series, 10 s window); only windows the final watermark closed.
    const maxTs = Math.max(...samples.map((s) => s.ts))
    const watermark = maxTs - 5_000 - 1 - 500 // a safe lower bound of the final task watermark
    const reference = new Map<
      string,
      { count: number; sum: number; min: number; max: number; lastTs: number; last: number }
    >()
    for (const s of samples) {
      const start = Math.floor(s.ts / ROLLUP_WINDOW_MS) * ROLLUP_WINDOW_MS
      const k = `${s.series}|${start}`
      const r = reference.get(k) ?? {
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        lastTs: -Infinity,
        last: NaN,
      }
      r.count++
      r.sum += s.value
      r.min = Math.min(r.min, s.value)
      r.max = Math.max(r.max, s.value)
      if (s.ts > r.lastTs) {
        r.lastTs = s.ts
        r.last = s.value
      }
      reference.set(k, r)
    }
    const seen = new Set<string>()
    for (const row of rows) {
      const k = `${row.series}|${row.windowStart}`
      assert.ok(
        !seen.has(k),
        `window ${k} emitted twice (revision ${row.revision}): not exactly-once (${reproduceHint(seed)})`,
      )
      seen.add(k)
      assert.equal(row.revision, 1)
      const ref = reference.get(k)
      assert.ok(ref, `a result for a window with no input: ${k}`)
      assert.deepEqual(
        [row.aggregate.count, row.aggregate.sum, row.aggregate.min, row.aggregate.max, row.aggregate.last],
        [ref.count, ref.sum, ref.min, ref.max, ref.last],
        `window ${k} differs from the reference (${reproduceHint(seed)})`,
      )
    }
    for (const k of reference.keys()) {
      const start = Number(k.split('|')[1])
      if (start + ROLLUP_WINDOW_MS <= watermark) assert.ok(seen.has(k), `closed window ${k} has no result`)
    }
    t.diagnostic(
      `${kills} kills, ${batches} input batches, ${rows.length} window results, ${reproduceHint(seed)}`,
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
