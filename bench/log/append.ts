import { openEmbeddedLog } from '../../src/log/embedded/index.js'
import type { FsyncPolicy } from '../../src/log/embedded/index.js'
import type { LogRecord } from '../../src/log/index.js'
import type { Sample } from './workload.js'

export const BENCH_TOPIC = 'bench'

export interface AppendParams {
  readonly dir: string
  readonly fsync: FsyncPolicy
  readonly batches: readonly LogRecord[][]
  readonly totalBatches: number
  readonly inFlight: number
  readonly maxSeconds: number
  readonly segmentBytes?: number
}

/**
 * Appends `totalBatches` batches (or as many as fit in `maxSeconds`) to partition 0 of a fresh
 * topic with a pipelined producer: `inFlight` appends outstanding at all times, each issued as soon
 * as one resolves, like an ingest server acknowledging many concurrent requests. Timed from the
 * first append to the last acknowledgement; opening and the final close (flush) are not timed.
 */
export async function appendToFreshLog(p: AppendParams): Promise<Sample> {
  const log = await openEmbeddedLog({ dataDir: p.dir, fsync: p.fsync, maintenanceIntervalMs: 0 })
  try {
    await log.createTopic(BENCH_TOPIC, {
      partitions: 1,
      ...(p.segmentBytes === undefined ? {} : { segmentBytes: p.segmentBytes }),
    })
    const { fsyncs: fsyncsBefore, appendedBytes: bytesBefore } = log.stats
    const sample = await pipelinedAppends(
      (records) => log.append(BENCH_TOPIC, 0, records),
      p.batches,
      p.totalBatches,
      p.inFlight,
      p.maxSeconds,
    )
    return {
      ...sample,
      bytes: log.stats.appendedBytes - bytesBefore,
      fsyncs: log.stats.fsyncs - fsyncsBefore,
    }
  } finally {
    await log.close()
  }
}

const YIELD_EVERY = 64

async function pipelinedAppends(
  append: (records: readonly LogRecord[]) => Promise<unknown>,
  batches: readonly LogRecord[][],
  totalBatches: number,
  inFlight: number,
  maxSeconds: number,
): Promise<Sample> {
  let issued = 0
  let records = 0
  const start = performance.now()
  const deadline = start + maxSeconds * 1000
  // Like a server, whose requests arrive as I/O events, the producer gives the event loop a turn
  // (timers, I/O callbacks: the fsync schedule) every YIELD_EVERY appends; without it, appends that
  // resolve at once would run on microtasks alone and starve the interval fsync timer.
  const producer = async (): Promise<void> => {
    while (issued < totalBatches && performance.now() < deadline) {
      const batch = batches[issued % batches.length]!
      issued++
      records += batch.length
      await append(batch)
      if (issued % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve))
    }
  }
  await Promise.all(Array.from({ length: inFlight }, producer))
  return { seconds: (performance.now() - start) / 1000, bytes: 0, batches: issued, records }
}
