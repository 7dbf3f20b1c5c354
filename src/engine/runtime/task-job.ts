import type { LogRecord } from '../../log/index.js'
import type { Operator } from '../api/index.js'

/** One input partition of a task. */
export interface InputPartition {
  readonly topic: string
  readonly partition: number
}

/** An output append produced from an operator's output batch. */
export interface OutputAppend {
  readonly topic: string
  readonly partition: number
  readonly records: readonly LogRecord[]
}

/**
 * What a task runs: how to read its input records, the operator, how to write its output, and how
 * to snapshot and restore the operator's state. Built by a job definition (rollups, RED metrics …);
 * the runner owns everything else (reading, watermarks, epochs, commits).
 */
export interface TaskJob<In, Out> {
  readonly name: string
  /** Decodes one input record value; undefined skips it (counted as `undecodable`). */
  decode(value: Uint8Array): In | undefined
  /** The largest event time in a batch (for the partition's watermark). */
  maxEventTimeMs(batch: In): number
  readonly operator: Operator<In, Out>
  /** Turns an output batch into appends (topic, partition, records). */
  encode(out: Out): readonly OutputAppend[]
  /** The operator's state for a commit: a full snapshot or a delta since the previous one. */
  snapshot(epoch: number): { readonly bytes: Uint8Array; readonly full: boolean }
  /** Restores from the newest full snapshot and the deltas after it (empty: fresh state). */
  restore(snapshots: readonly Uint8Array[]): void
  /**
   * `snapshot` answers full at least every this many epochs (default: the runner's
   * `fullSnapshotEvery`, else 10): the committer keeps that many state-record keys per task.
   */
  readonly fullSnapshotEvery?: number
  /** Encodes one side output record (default: JSON of `{ output, reason, record }`). */
  encodeSide?(output: string, record: unknown, reason: string): Uint8Array
}
