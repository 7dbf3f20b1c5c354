import { randomBytes } from 'node:crypto'
import type { LogRecord } from '../../src/log/index.js'
import { encodedBatchSize } from '../../src/log/embedded/batch-format.js'

/**
 * What the log benchmarks write. One batch = one `append` call:
 * - `1KiB`: 8 records with a 128 B value (1 KiB of payload; 1,242 B on disk with framing),
 * - `64KiB`: 64 records with a 1 KiB value (64 KiB of payload; 66,874 B on disk).
 * Keys are null (no compaction), values random (nothing compresses). A small pool of distinct
 * batches is reused round robin, as the log copies them on append. Byte figures in the results
 * are encoded (on-disk) bytes, the same bytes the raw `fs.writeSync` baseline writes.
 */
export const shapeIds = ['1KiB', '64KiB'] as const
export type ShapeId = (typeof shapeIds)[number]

export interface BatchShape {
  readonly id: ShapeId
  readonly label: string
  readonly recordsPerBatch: number
  readonly valueBytes: number
}

export const batchShapes: readonly BatchShape[] = [
  { id: '1KiB', label: '1 KiB', recordsPerBatch: 8, valueBytes: 128 },
  { id: '64KiB', label: '64 KiB', recordsPerBatch: 64, valueBytes: 1024 },
]

export const MiB = 1024 * 1024
export const GiB = 1024 * MiB

const POOL_SIZE = 16

/** Distinct batches of `shape` to append round robin. */
export function makeBatches(shape: BatchShape, count = POOL_SIZE): LogRecord[][] {
  const timestampMs = Date.UTC(2025, 0, 1)
  return Array.from({ length: count }, () =>
    Array.from({ length: shape.recordsPerBatch }, (_, i) => ({
      key: null,
      value: randomBytes(shape.valueBytes),
      timestampMs: timestampMs + i,
    })),
  )
}

/** Bytes one batch of `shape` takes in a segment file. */
export function encodedBytes(shape: BatchShape): number {
  return encodedBatchSize(makeBatches(shape, 1)[0]!)
}

/** Batches needed for `payloadBytes` of record values. */
export function batchesFor(shape: BatchShape, payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / (shape.recordsPerBatch * shape.valueBytes)))
}

/** One timed measurement. `bytes` are encoded bytes written or read. */
export interface Sample {
  readonly seconds: number
  readonly bytes: number
  readonly batches: number
  readonly records: number
  /** Files fsynced by the log during the measurement (vigil appends only). */
  readonly fsyncs?: number
}

/** Volumes and repetitions of one run of the suite. */
export interface LogBenchPlan {
  readonly runs: number
  readonly recoveryRuns: number
  /** Appends in flight at once (the producer's pipelining window). */
  readonly inFlight: number
  /** A wider window, measured for fsync=interval too: its throughput is bounded by the window. */
  readonly wideInFlight: number
  /** Time bound per append measurement; the volume written by then is what counts. */
  readonly maxSecondsPerCase: number
  /** Payload bytes per append (and raw write) measurement, per batch shape. */
  readonly appendBytes: Readonly<Record<ShapeId, number>>
  /** Payload bytes of the log read back, per batch shape. */
  readonly readBytes: Readonly<Record<ShapeId, number>>
  readonly recoveryBytes: number
  /** Segment size of the recovery log; `undefined` = the default (128 MiB). */
  readonly recoverySegmentBytes: number | undefined
}

export function logBenchPlan(quick: boolean, runs: number | undefined): LogBenchPlan {
  if (quick) {
    return {
      runs: runs ?? 1,
      recoveryRuns: runs ?? 1,
      inFlight: 64,
      wideInFlight: 1024,
      maxSecondsPerCase: 1,
      appendBytes: { '1KiB': 1 * MiB, '64KiB': 4 * MiB },
      readBytes: { '1KiB': 1 * MiB, '64KiB': 4 * MiB },
      recoveryBytes: 8 * MiB,
      recoverySegmentBytes: 2 * MiB,
    }
  }
  return {
    runs: runs ?? 5,
    recoveryRuns: runs ?? 3,
    inFlight: 64,
    wideInFlight: 1024,
    maxSecondsPerCase: 4,
    appendBytes: { '1KiB': 64 * MiB, '64KiB': 256 * MiB },
    readBytes: { '1KiB': 64 * MiB, '64KiB': 256 * MiB },
    recoveryBytes: GiB,
    recoverySegmentBytes: undefined,
  }
}
