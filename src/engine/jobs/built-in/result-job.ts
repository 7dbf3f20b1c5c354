import { encodeResultBatch } from '../../../core/batch/index.js'
import type { ResultRow } from '../../../core/batch/index.js'
import type { Operator } from '../../api/index.js'
import type { TaskJob } from '../../runtime/task-job.js'

/** A windowed operator whose whole state is a list of encoded parts (one per window size). */
export interface SnapshottingOperator<In> extends Operator<In, ResultRow[]> {
  snapshot(): Uint8Array[]
  restore(parts: readonly Uint8Array[]): void
}

export interface ResultJobSettings<In> {
  readonly name: string
  readonly decode: (value: Uint8Array) => In | undefined
  readonly maxEventTimeMs: (batch: In) => number
  readonly operator: SnapshottingOperator<In>
  /** Result topic; this task writes partition `task` (the topic has one partition per task). */
  readonly outputTopic: string
  readonly task: number
}

/**
 * Wraps a windowed operator as a TaskJob: results become one ResultBatch record per emission on
 * the task's partition of the result topic; the operator's parts are framed into one snapshot.
 *
 * Snapshots are full each epoch: the operators hold only open windows (a few per key), which the
 * windows codec writes at tens of MB/s; `npm run bench -- engine` measures the size and time at
 * 10k and 1M series (docs/benchmarks.md).
 */
export function resultJob<In>(s: ResultJobSettings<In>): TaskJob<In, ResultRow[]> {
  return {
    name: s.name,
    decode: s.decode,
    maxEventTimeMs: s.maxEventTimeMs,
    operator: s.operator,
    encode(rows) {
      if (rows.length === 0) return []
      let newest = 0
      for (const r of rows) if (r.windowEnd > newest) newest = r.windowEnd
      const value = encodeResultBatch({ kind: 'results', job: s.name, rows })
      return [
        { topic: s.outputTopic, partition: s.task, records: [{ key: null, value, timestampMs: newest }] },
      ]
    },
    snapshot: () => ({ bytes: frameParts(s.operator.snapshot()), full: true }),
    restore(snapshots) {
      const last = snapshots[snapshots.length - 1]
      if (last !== undefined) s.operator.restore(unframeParts(last))
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
