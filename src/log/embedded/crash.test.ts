import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Rng, crashCycles, crashSeed, reproduceHint, runUntilKilled } from '../../../test/crash/harness.js'
import type { FsyncPolicy } from './config.js'
import { openEmbeddedLog } from './embedded-log.js'
import type { EmbeddedLogEvent } from './embedded-log.js'
import { CrashHistory, fsyncCoveredLines, retryArg } from './testing/crash-history.js'
import type { RetryCandidate } from './testing/crash-history.js'
import { CrashStats } from './testing/crash-stats.js'
import type { CycleOutcome } from './testing/crash-stats.js'
import { verifyCrashLog } from './testing/crash-verify.js'
import { durableSizes, simulatePowerLoss } from './testing/power-loss.js'

/**
 * Crash test of the embedded log (issue acceptance: kill -9 at random instants, every acknowledged
 * batch present exactly once, in order, nothing corrupt readable). A child process
 * (`testing/crash-writer.ts`) appends as fast as it can with many appends in flight, on a plain, an
 * idempotent and a transactional partition, and prints every acknowledgement; the harness SIGKILLs
 * it 30-400 ms after it is ready. The parent then reopens the log (recovery) and reads it end to end
 * (`testing/crash-verify.ts`). A data dir takes CYCLES_PER_DIR runs, so recovery works on a log
 * that has been killed many times; the fsync policy changes from run to run. Variations:
 *
 * - power loss: `kill -9` keeps the page cache, so on most runs with fsync `always` or `interval`
 *   the parent also throws away what was not fsynced yet (`testing/power-loss.ts`): that is what
 *   catches an acknowledgement that claims a durability it does not have. With `always` every
 *   acknowledged append must survive it; with `interval` (which acknowledges before the fsync, with
 *   a documented window) every fsync-covered one — the writer prints `synced N` after `log.sync()`;
 *   `kill -9` alone must lose nothing acknowledged under every policy;
 * - crash during recovery: after about 30% of the runs the parent does not recover; the next writer
 *   opens the crashed log itself and is, more often than not, killed at any instant from its spawn
 *   (its own recovery included). The parent checks both runs afterwards.
 *
 * VIGIL_CRASH_CYCLES (default 60) sets the cycles, VIGIL_CRASH_SEED replays a run's random choices.
 */
const seed = crashSeed()
const totalCycles = crashCycles()
const CYCLES_PER_DIR = 10
/** Segments after which the next run starts a fresh data dir (the log keeps one fd per segment). */
const MAX_SEGMENTS_PER_DIR = 600
const POLICIES: readonly FsyncPolicy[] = ['interval', 'always', 'interval', 'always', 'none']
const KILL_AFTER_READY_MS: readonly [number, number] = [30, 400]
const KILL_AFTER_SPAWN_MS: readonly [number, number] = [50, 250]
const writerScript = fileURLToPath(new URL('./testing/crash-writer.js', import.meta.url))

const testCount = Math.ceil(totalCycles / CYCLES_PER_DIR)
const rootRng = new Rng(seed)
const testRngs = Array.from({ length: testCount }, () => rootRng.fork())
const totals = new CrashStats()
let totalMs = 0

console.log(`crash test: ${totalCycles} kill -9 cycles, ${reproduceHint(seed)}`)

interface Cycle {
  readonly dataDir: string
  readonly run: number
  readonly fsync: FsyncPolicy
  /** The dir was closed cleanly (recovered by the parent) before this run. */
  readonly clean: boolean
  /** The parent recovers and checks the log after this run. */
  readonly verify: boolean
  /** A power loss was simulated after an earlier run the parent did not recover. */
  readonly earlierPowerLoss: boolean
  readonly retry: RetryCandidate | undefined
}

/** One run of the writer, killed at a random instant; then (usually) recovery and verification. */
async function runCycle(c: Cycle, rng: Rng, history: CrashHistory): Promise<CycleOutcome> {
  const killAfterReadyMs = rng.int(...KILL_AFTER_READY_MS)
  const killAfterSpawnMs = rng.int(...KILL_AFTER_SPAWN_MS)
  const early = !c.clean && rng.next() < 0.6
  const powerLoss = c.clean && c.fsync !== 'none' && rng.next() < 0.6
  const lossRng = rng.fork()
  const args = ['--data-dir', c.dataDir, '--run', String(c.run), '--fsync', c.fsync]
  args.push('--seed', String(rng.u32()))
  if (c.retry !== undefined) args.push('--retry', retryArg(c.retry))
  const journal = `${c.dataDir}.fsync-journal`
  fs.rmSync(journal, { force: true })
  const hasLog = fs.existsSync(path.join(c.dataDir, 'topics'))
  const baseline = powerLoss && hasLog ? durableSizes(c.dataDir) : new Map<string, number>()
  if (powerLoss) args.push('--fsync-journal', journal)

  const child = await runUntilKilled({
    script: writerScript,
    args,
    killAfterMs: early ? killAfterSpawnMs : killAfterReadyMs,
    killFrom: early ? 'spawn' : 'ready',
  })
  // `always` acknowledges after the fsync; `interval` before it: there, only fsync-covered
  // acknowledgements (the writer's `synced N` lines) must survive a power loss.
  const mustSurvive = powerLoss && c.fsync !== 'always' ? fsyncCoveredLines(child.lines) : child.lines
  history.addRun(c.run, mustSurvive, c.retry)
  const loss = powerLoss ? simulatePowerLoss(c.dataDir, baseline, journal, () => lossRng.next()) : undefined
  const outcome = {
    fsync: c.fsync,
    powerLoss: loss !== undefined,
    lostBytes: loss?.lostBytes ?? 0,
    writerRecovered: !c.clean,
    killedBeforeReady: child.readyIndex < 0,
  }
  if (!c.verify) return { ...outcome, report: undefined, truncatedBytes: 0 }

  const events: EmbeddedLogEvent[] = []
  const log = await openEmbeddedLog(
    { dataDir: c.dataDir, maintenanceIntervalMs: 0 },
    { onEvent: (e) => events.push(e) },
  )
  let report
  try {
    report = await verifyCrashLog(log, history)
  } finally {
    await log.close()
  }
  // A process crash keeps the page cache: only the active segment may end in a torn batch. (After a
  // power loss a sealed segment may lose its unsynced tail too; nothing acknowledged was in it.)
  if (loss === undefined && !c.earlierPowerLoss) {
    for (const e of events) if (e.level === 'error') report.problems.push(`recovery: ${JSON.stringify(e)}`)
  }
  if (report.problems.length > 0) {
    const how =
      (c.clean ? '' : 'on a crashed log, ') +
      (early ? `kill -9 ${killAfterSpawnMs} ms after spawn` : `kill -9 ${killAfterReadyMs} ms after ready`) +
      (loss === undefined ? '' : ` + power loss ${JSON.stringify(loss)}`)
    assert.fail(
      `run ${c.run} (fsync=${c.fsync}, ${how}, ${child.lines.length} lines) of ${c.dataDir} failed, ` +
        `${reproduceHint(seed)}:\n  ${report.problems.join('\n  ')}`,
    )
  }
  return { ...outcome, report, truncatedBytes: log.stats.recoveryTruncatedBytes }
}

describe('embedded log survives kill -9 (and power loss) while appending', () => {
  after(() => {
    console.log(
      `crash test summary, ${(totalMs / 1000).toFixed(1)} s: ${totals.describe()}, ${reproduceHint(seed)}`,
    )
  })

  for (let n = 0; n < testCount; n++) {
    const cycles = Math.min(CYCLES_PER_DIR, totalCycles - n * CYCLES_PER_DIR)
    test(`data dir ${n + 1}/${testCount}: ${cycles} kill/recover cycles`, async (t) => {
      const rng = testRngs[n]!
      const started = performance.now()
      const stats = new CrashStats()
      let dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crash-'))
      let history = new CrashHistory()
      let retry: RetryCandidate | undefined
      let clean = true
      let earlierPowerLoss = false
      for (let i = 0; i < cycles; i++) {
        const last = i === cycles - 1
        const verify = last || rng.next() >= 0.3
        const fsync = POLICIES[(n + i) % POLICIES.length]!
        const retryNow = clean ? retry : undefined
        const cycle = { dataDir, run: i + 1, fsync, clean, verify, earlierPowerLoss, retry: retryNow }
        const outcome = await runCycle(cycle, rng, history)
        stats.addCycle(outcome)
        clean = outcome.report !== undefined
        earlierPowerLoss = !clean && (earlierPowerLoss || outcome.powerLoss)
        if (outcome.report === undefined) continue
        retry = outcome.report.retryCandidate
        // The log holds an fd per segment: on a fast machine, go on in a fresh dir well before 1024.
        if (last || outcome.report.segments > MAX_SEGMENTS_PER_DIR) {
          stats.addDir(history, outcome.report)
          fs.rmSync(dataDir, { recursive: true, force: true })
          fs.rmSync(`${dataDir}.fsync-journal`, { force: true })
          dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-crash-'))
          history = new CrashHistory()
          retry = undefined
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
      const ms = performance.now() - started
      totals.add(stats)
      totalMs += ms
      t.diagnostic(`${(ms / 1000).toFixed(1)} s: ${stats.describe()}`)
    })
  }
})
