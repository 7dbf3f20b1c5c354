import * as fs from 'node:fs'
import * as path from 'node:path'
import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import type { LogRecord } from '../../src/log/index.js'
import { DEFAULT_SEGMENT_BYTES } from '../../src/log/embedded/config.js'
import { BENCH_TOPIC } from './append.js'
import type { LogBenchPlan } from './workload.js'

/**
 * Reopen (recovery) time of a large log, in three states:
 * - `clean`: after `close()`; sealed segments are trusted through their `.index` sidecars, the
 *   active (last) segment is scanned (there is no clean-shutdown marker),
 * - `no-index`: after deleting every `*.index` sidecar: every segment is scanned (CRC of every
 *   batch) and the sidecars are written again,
 * - `crash`: a few batches appended, then `crashForTesting()` (no flush, no close) instead of
 *   `close()`. Recovery has no clean-shutdown marker, so it does the same work as `clean`: scan
 *   the active segment (the log is built with that segment nearly full, the worst case).
 * The files are in the page cache (the log was just written), so this is warm-cache recovery:
 * CPU-bound scanning, not disk reads.
 */
export const recoveryScenarios = ['clean', 'no-index', 'crash'] as const
export type RecoveryScenario = (typeof recoveryScenarios)[number]

/** Batches appended before each simulated crash. */
export const CRASH_BATCHES = 4

/**
 * Batches of `batchBytes` for a log of about `plan.recoveryBytes` whose active (last) segment is
 * nearly full — the worst case for a clean reopen, which scans it — leaving room for the batches
 * the crash runs append, so the segment count stays the same across runs.
 */
export function recoveryLogBatches(plan: LogBenchPlan, batchBytes: number): number {
  const perSegment = Math.floor((plan.recoverySegmentBytes ?? DEFAULT_SEGMENT_BYTES) / batchBytes)
  const segments = Math.max(1, Math.round(plan.recoveryBytes / (perSegment * batchBytes)))
  return Math.max(1, segments * perSegment - plan.recoveryRuns * CRASH_BATCHES)
}

export interface RecoverySample {
  readonly seconds: number
  /** Bytes of segments the recovery had to scan (no usable sidecar), as found before opening. */
  readonly scannedBytes: number
  readonly totalBytes: number
  readonly segments: number
}

export async function reopen(
  dir: string,
  scenario: RecoveryScenario,
  crashBatches: readonly LogRecord[][],
): Promise<RecoverySample> {
  const partitionDir = path.join(dir, 'topics', BENCH_TOPIC, '0')
  if (scenario === 'no-index') {
    for (const f of fs.readdirSync(partitionDir))
      if (f.endsWith('.index')) fs.rmSync(path.join(partitionDir, f))
  }
  if (scenario === 'crash') {
    const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none', maintenanceIntervalMs: 0 })
    await Promise.all(crashBatches.map((records) => log.append(BENCH_TOPIC, 0, records)))
    log.crashForTesting()
  }
  const scannedBytes = bytesToScan(partitionDir)
  const start = performance.now()
  const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none', maintenanceIntervalMs: 0 })
  const seconds = (performance.now() - start) / 1000
  try {
    const partition = (await log.describeTopic(BENCH_TOPIC))?.partitions[0]
    if (partition === undefined) throw new Error(`The recovered log has no topic "${BENCH_TOPIC}".`)
    return { seconds, scannedBytes, totalBytes: partition.sizeBytes, segments: partition.segments }
  } finally {
    await log.close()
  }
}

/** Mirrors `partition-recovery.ts`: scan from the first sealed segment without a sidecar, else the last. */
function bytesToScan(partitionDir: string): number {
  const files = fs.readdirSync(partitionDir)
  const bases = files.filter((f) => /^\d{20}\.log$/.test(f)).sort()
  const size = (f: string): number => fs.statSync(path.join(partitionDir, f)).size
  let first = bases.findIndex(
    (f, i) => i < bases.length - 1 && !files.includes(f.replace(/\.log$/, '.index')),
  )
  if (first < 0) first = bases.length - 1
  return bases.slice(first).reduce((sum, f) => sum + size(f), 0)
}
