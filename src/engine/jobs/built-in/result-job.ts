import { encodeResultBatch } from '../../../core/batch/index.js'
import type { ResultRow } from '../../../core/batch/index.js'
import type { Operator } from '../../api/index.js'
import type { TaskJob } from '../../runtime/task-job.js'
import { DetectingOperator, frameWithDetector, unframeWithDetector } from './detecting-operator.js'
import type { DetectStage } from '../../../detect/index.js'

/** A windowed operator whose whole state is a list of encoded parts (one per window size). */
export interface SnapshottingOperator<In> extends Operator<In, ResultRow[]> {
  snapshot(): Uint8Array[]
  restore(parts: readonly Uint8Array[]): void
  /** When present, the job commits these (full or delta) instead of `snapshot()` parts. */
  readonly incremental?: IncrementalSnapshots
}

/**
 * An operator's opt-in to delta snapshots. Between two calls of `snapshot` the operator tracks
 * what changed; a snapshot that is never committed (crash) is always followed by a restore.
 */
export interface IncrementalSnapshots {
  /** Full when `full` is asked (the operator may also answer full), else a delta since the last call. */
  snapshot(full: boolean): { readonly bytes: Uint8Array; readonly full: boolean }
  /** The newest full snapshot and the deltas after it, in order (empty: fresh state). */
  restore(chain: readonly Uint8Array[]): void
  /** Whether bytes are in this format (else they are older `snapshot()` parts, restored whole). */
  accepts(bytes: Uint8Array): boolean
  /** A full snapshot at least every this many epochs (default 10); the operator may write one sooner. */
  readonly fullEvery?: number
}

export interface ResultJobSettings<In> {
  readonly name: string
  readonly decode: (value: Uint8Array) => In | undefined
  readonly maxEventTimeMs: (batch: In) => number
  readonly operator: SnapshottingOperator<In>
  /** Result topic; this task writes partition `task` (the topic has one partition per task). */
  readonly outputTopic: string
  readonly task: number
  /**
   * Incremental operators: a full snapshot at every epoch multiple of this (default: the
   * operator's `incremental.fullEvery`, else 10). The job passes it on as `fullSnapshotEvery`, so
   * the committer's state-record keys (`delta-<epoch mod N>`) hold the N − 1 deltas after a full.
   */
  readonly fullEvery?: number
  /**
   * Detection chained behind the operator: its anomalies go to `topic`, partition `task`, in the
   * same epoch as the results they come from; its state is framed into the job's snapshots.
   */
  readonly detect?: { readonly stages: readonly DetectStage[]; readonly topic: string }
}

/**
 * Wraps a windowed operator as a TaskJob: results become one ResultBatch record per emission on
 * the task's partition of the result topic; the operator's parts are framed into one snapshot.
 *
 * Operators with `incremental` (rollups) commit a full snapshot every `fullEvery` epochs and a
 * delta of the keys changed in between; the others (RED, log counts) commit their parts whole each
 * epoch. `npm run bench -- engine` measures the size and time at 10k and 1M series
 * (docs/benchmarks.md).
 */
export function resultJob<In>(s: ResultJobSettings<In>): TaskJob<In, ResultRow[]> {
  const fullEvery = s.fullEvery ?? s.operator.incremental?.fullEvery ?? 10
  const detecting =
    s.detect === undefined
      ? undefined
      : new DetectingOperator(s.operator, s.detect.stages, s.detect.topic, s.task)
  const snapshotJob = (epoch: number): { readonly bytes: Uint8Array; readonly full: boolean } => {
    const inc = s.operator.incremental
    if (inc === undefined) return { bytes: frameParts(s.operator.snapshot()), full: true }
    return inc.snapshot(epoch % fullEvery === 0)
  }
  const restoreJob = (snapshots: readonly Uint8Array[]): void => {
    const inc = s.operator.incremental
    const first = snapshots[0]
    if (inc !== undefined && (first === undefined || inc.accepts(first))) {
      inc.restore(snapshots)
      return
    }
    // Parts written by `snapshot()` (every such record is full): the newest one holds everything.
    const last = snapshots[snapshots.length - 1]
    if (last !== undefined) s.operator.restore(unframeParts(last))
  }
  return {
    name: s.name,
    fullSnapshotEvery: fullEvery,
    decode: s.decode,
    maxEventTimeMs: s.maxEventTimeMs,
    operator: detecting ?? s.operator,
    encode(rows) {
      if (rows.length === 0) return []
      let newest = 0
      for (const r of rows) if (r.windowEnd > newest) newest = r.windowEnd
      const value = encodeResultBatch({ kind: 'results', job: s.name, rows })
      const results = {
        topic: s.outputTopic,
        partition: s.task,
        records: [{ key: null, value, timestampMs: newest }],
      }
      return detecting === undefined ? [results] : [results, ...detecting.drain()]
    },
    snapshot(epoch) {
      const job = snapshotJob(epoch)
      if (detecting === undefined) return job
      // The detector's part is full exactly when the job's is, so a restore chain starts full for both.
      const banks = detecting.stages.map((stage) => stage.bank.snapshot(job.full))
      return { bytes: frameWithDetector(job.bytes, banks), full: job.full }
    },
    restore(snapshots) {
      if (detecting === undefined) {
        restoreJob(snapshots)
        return
      }
      const parts = snapshots.map(unframeWithDetector)
      restoreJob(parts.map((p) => p.job))
      // Snapshots from before detection (or a stage) was on carry no part for it: it starts fresh.
      detecting.stages.forEach((stage, i) => {
        const start = parts.findLastIndex((p) => p.banks?.[i] === undefined)
        stage.bank.restore(parts.slice(start + 1).map((p) => p.banks![i]!))
      })
    },
  }
}

/** u32 part count, then per part a u32 length and its bytes (each part checksums itself). */
export function frameParts(parts: readonly Uint8Array[]): Uint8Array {
  let size = 4
  for (const p of parts) size += 4 + p.length
  const out = Buffer.allocUnsafe(size)
  out.writeUInt32LE(parts.length, 0)
  let at = 4
  for (const p of parts) {
    out.writeUInt32LE(p.length, at)
    out.set(p, at + 4)
    at += 4 + p.length
  }
  return out
}

export function unframeParts(bytes: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < 4) throw new Error('job snapshot shorter than its header')
  const n = buf.readUInt32LE(0)
  const parts: Uint8Array[] = []
  let at = 4
  for (let i = 0; i < n; i++) {
    if (at + 4 > buf.length) throw new Error(`job snapshot truncated in part ${i} of ${n}`)
    const len = buf.readUInt32LE(at)
    if (at + 4 + len > buf.length) throw new Error(`job snapshot truncated in part ${i} of ${n}`)
    parts.push(new Uint8Array(buf.subarray(at + 4, at + 4 + len)))
    at += 4 + len
  }
  return parts
}
