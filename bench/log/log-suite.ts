import * as os from 'node:os'
import { fsyncPolicies, openEmbeddedLog } from '../../src/log/embedded/index.js'
import { isolationLevels } from '../../src/log/index.js'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { withTempDir } from '../temp-dir.js'
import { appendToFreshLog } from './append.js'
import { rawModes, rawWrite } from './raw-write.js'
import { readWholePartition } from './read.js'
import { CRASH_BATCHES, recoveryLogBatches, recoveryScenarios, reopen } from './recovery.js'
import { FSYNC_INTERVAL_MS, appendCaseId, renderLogReport } from './report.js'
import type { AppendCase, LogBenchResults, ReadCase, RecoveryCase, Writer } from './report.js'
import { batchShapes, batchesFor, encodedBytes, logBenchPlan, makeBatches } from './workload.js'
import type { LogBenchPlan } from './workload.js'

/**
 * `npm run bench -- log`: append throughput per batch size and fsync policy against raw
 * `fs.writeSync` measured in the same run, sequential read throughput, and recovery time of a
 * large log. Cases are interleaved run by run (raw and log of one run follow each other), so slow
 * phases of this shared machine hit both sides of a ratio.
 */
export const logSuite: BenchSuite = {
  name: 'log',
  description: 'embedded log: append (per fsync policy) vs raw fs.writeSync, read, recovery',
  run: runLogSuite,
}

async function runLogSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = logBenchPlan(options.quick, options.runs)
  const wanted = (id: string): boolean => options.only === undefined || id.includes(options.only)
  const started = performance.now()
  const append = await measureAppends(plan, options, wanted)
  const read = await measureReads(plan, options, wanted)
  const recovery = await measureRecovery(plan, options, wanted)
  const results: LogBenchResults = {
    plan,
    command: options.command,
    machine: options.machine,
    append,
    read,
    recovery,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  }
  return renderLogReport(results)
}

async function measureAppends(
  plan: LogBenchPlan,
  options: BenchOptions,
  wanted: (id: string) => boolean,
): Promise<AppendCase[]> {
  const cases: AppendCase[] = []
  const writers: [Writer, number][] = [
    ...rawModes.map((m): [Writer, number] => [`raw:${m}`, 1]),
    ...fsyncPolicies.map((p): [Writer, number] => [`vigil:${p}`, plan.inFlight]),
    ['vigil:interval', plan.wideInFlight],
  ]
  for (const shape of batchShapes) {
    for (const [writer, inFlight] of writers) {
      const id = appendCaseId(shape, writer, inFlight)
      if (wanted(id)) cases.push({ id, shape, writer, inFlight, samples: [] })
    }
  }
  const pools = new Map(batchShapes.map((s) => [s.id, makeBatches(s)]))
  for (let run = 1; run <= plan.runs; run++) {
    for (const c of cases) {
      const totalBatches = batchesFor(c.shape, plan.appendBytes[c.shape.id])
      const sample = await withTempDir(options.dataRoot, 'log-append', async (dir) => {
        if (c.writer.startsWith('raw:')) {
          return rawWrite({
            dir,
            chunkBytes: encodedBytes(c.shape),
            chunks: totalBatches,
            recordsPerChunk: c.shape.recordsPerBatch,
            mode: c.writer.slice(4) as (typeof rawModes)[number],
            intervalMs: FSYNC_INTERVAL_MS,
            maxSeconds: plan.maxSecondsPerCase,
          })
        }
        return appendToFreshLog({
          dir,
          fsync: c.writer.slice(6) as (typeof fsyncPolicies)[number],
          batches: pools.get(c.shape.id)!,
          totalBatches,
          inFlight: c.inFlight,
          maxSeconds: plan.maxSecondsPerCase,
        })
      })
      c.samples.push(sample)
      options.progress(
        `  run ${run}/${plan.runs} ${c.id.padEnd(34)} ${(sample.bytes / 1e6 / sample.seconds).toFixed(1).padStart(8)} MB/s` +
          `  (${(sample.bytes / 2 ** 20).toFixed(0)} MiB in ${sample.seconds.toFixed(2)} s)`,
      )
    }
  }
  return cases
}

async function measureReads(
  plan: LogBenchPlan,
  options: BenchOptions,
  wanted: (id: string) => boolean,
): Promise<ReadCase[]> {
  const cases: ReadCase[] = []
  for (const shape of batchShapes) {
    const mine = isolationLevels
      .map((isolation): ReadCase => ({ id: `read/${shape.id}/${isolation}`, shape, isolation, samples: [] }))
      .filter((c) => wanted(c.id))
    if (mine.length === 0) continue
    cases.push(...mine)
    await withTempDir(options.dataRoot, 'log-read', async (dir) => {
      const totalBatches = batchesFor(shape, plan.readBytes[shape.id])
      const batches = makeBatches(shape)
      await appendToFreshLog({
        dir,
        fsync: 'none',
        batches,
        totalBatches,
        inFlight: plan.inFlight,
        maxSeconds: Infinity,
      })
      const log = await openEmbeddedLog({ dataDir: dir, fsync: 'none', maintenanceIntervalMs: 0 })
      try {
        for (let run = 1; run <= plan.runs; run++) {
          for (const c of mine) {
            const sample = await readWholePartition(log, c.isolation)
            c.samples.push(sample)
            options.progress(
              `  run ${run}/${plan.runs} ${c.id.padEnd(34)} ${(sample.bytes / 1e6 / sample.seconds).toFixed(1).padStart(8)} MB/s`,
            )
          }
        }
      } finally {
        await log.close()
      }
    })
  }
  return cases
}

async function measureRecovery(
  plan: LogBenchPlan,
  options: BenchOptions,
  wanted: (id: string) => boolean,
): Promise<RecoveryCase[]> {
  const cases: RecoveryCase[] = recoveryScenarios
    .map((scenario) => ({ id: `recovery/${scenario}`, scenario, samples: [] }))
    .filter((c) => wanted(c.id))
  if (cases.length === 0) return cases
  const shape = batchShapes[batchShapes.length - 1]!
  const batches = makeBatches(shape)
  await withTempDir(options.dataRoot, 'log-recovery', async (dir) => {
    const buildStart = performance.now()
    await appendToFreshLog({
      dir,
      fsync: 'none',
      batches,
      totalBatches: recoveryLogBatches(plan, encodedBytes(shape)),
      inFlight: plan.inFlight,
      maxSeconds: Infinity,
      ...(plan.recoverySegmentBytes === undefined ? {} : { segmentBytes: plan.recoverySegmentBytes }),
    })
    options.progress(`  built the recovery log in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`)
    for (let run = 1; run <= plan.recoveryRuns; run++) {
      for (const c of cases) {
        const sample = await reopen(dir, c.scenario, batches.slice(0, CRASH_BATCHES))
        c.samples.push(sample)
        options.progress(
          `  run ${run}/${plan.recoveryRuns} ${c.id.padEnd(34)} ${sample.seconds.toFixed(3).padStart(8)} s` +
            `  (scanned ${(sample.scannedBytes / 2 ** 20).toFixed(0)} of ${(sample.totalBytes / 2 ** 20).toFixed(0)} MiB)`,
        )
      }
    }
  })
  return cases
}
