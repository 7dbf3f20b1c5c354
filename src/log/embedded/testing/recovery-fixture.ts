import * as fs from 'node:fs'
import * as path from 'node:path'
import { ManualClock } from '../../../core/testing/manual-clock.js'
import { readLength } from '../batch-format.js'
import { openEmbeddedLog } from '../embedded-log.js'
import type { EmbeddedLog } from '../embedded-log.js'
import { hash32 } from './crash-records.js'
import type { AppendOptions, Log, LogRecord, ProducerIdentity, ReadRecord } from '../../log.js'

/**
 * A small log built once for the recovery property tests (`../recovery.property.test.ts`): a few
 * hundred batches over several small segments, some from an idempotent producer, with everything
 * written remembered so a test can say exactly what must be read back after damage.
 */
export const FIXTURE_TOPIC = 'recovery'
export const FIXTURE_SEGMENT_BYTES = 16 * 1024
const MIN_BATCHES = 300
const MIN_LAST_SEGMENT_BYTES = 12 * 1024

export interface WrittenBatch {
  readonly base: number
  readonly records: readonly LogRecord[]
  /** Sequence of its idempotent append, or -1 for a plain append. */
  readonly producerSeq: number
}

export interface Fixture {
  readonly dir: string
  readonly batches: readonly WrittenBatch[]
  readonly producer: ProducerIdentity
}

export function openFixtureLog(dir: string): Promise<EmbeddedLog> {
  return openEmbeddedLog(
    { dataDir: dir, fsync: 'none', maintenanceIntervalMs: 0 },
    { clock: new ManualClock(1_700_000_000_000) },
  )
}

export function partitionDir(dataDir: string): string {
  return path.join(dataDir, 'topics', FIXTURE_TOPIC, '0')
}

/** Segment files (`*.log`) of the fixture partition, oldest first. */
export function segmentFiles(dataDir: string): string[] {
  const dir = partitionDir(dataDir)
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => path.join(dir, f))
}

/** Records of batch `n`: 1-6, some null keys or values, sizes 0-400, timestamps a little out of order. */
export function fixtureRecords(n: number): LogRecord[] {
  const count = 1 + (hash32(n, 1) % 6)
  return Array.from({ length: count }, (_, i) => {
    const h = hash32(n, i, 2)
    const bytes = (size: number, salt: number): Buffer =>
      Buffer.from(Array.from({ length: size }, (_, j) => hash32(h, salt, j) & 0xff))
    return {
      key: h % 5 === 0 ? null : bytes(h % 17, 1),
      value: h % 19 === 0 ? null : bytes(hash32(h, 3) % 401, 2),
      timestampMs: 1_700_000_000_000 + n * 10 + (hash32(h, 4) % 101) - 50,
    }
  })
}

/** Builds the fixture in `dir` (closed when it returns). */
export async function buildFixture(dir: string): Promise<Fixture> {
  const log = await openFixtureLog(dir)
  await log.createTopic(FIXTURE_TOPIC, { partitions: 1, segmentBytes: FIXTURE_SEGMENT_BYTES })
  const producer = await log.initProducer()
  const batches: WrittenBatch[] = []
  let sequence = 0
  for (let n = 0; n < MIN_BATCHES * 2; n++) {
    const records = fixtureRecords(n)
    const idempotent = hash32(n, 9) % 3 === 0
    const options: AppendOptions = idempotent ? { producer: { ...producer, sequence } } : {}
    const res = await log.append(FIXTURE_TOPIC, 0, records, options)
    batches.push({ base: res.baseOffset, records, producerSeq: idempotent ? sequence : -1 })
    if (idempotent) sequence += records.length
    const last = segmentFiles(dir).at(-1)
    if (n >= MIN_BATCHES && last !== undefined && fs.statSync(last).size >= MIN_LAST_SEGMENT_BYTES) break
  }
  await log.close()
  return { dir, batches, producer }
}

/** File positions [start, end) of the batches stored back to back in a segment file. */
export function batchSpans(file: Buffer): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = []
  for (let pos = 0; pos + 16 <= file.length;) {
    const end = pos + readLength(file, pos)
    spans.push([pos, end])
    pos = end
  }
  return spans
}

/** Every record from the log start to the high watermark, copied, in pages of `maxBytes`. */
export async function readEverything(log: Log, maxBytes = 32 * 1024): Promise<ReadRecord[]> {
  const desc = await log.describeTopic(FIXTURE_TOPIC)
  const part = desc?.partitions[0]
  if (part === undefined) throw new Error('fixture topic is missing')
  const out: ReadRecord[] = []
  for (let offset = part.logStartOffset; offset < part.highWatermark;) {
    const res = await log.read(FIXTURE_TOPIC, 0, offset, { maxBytes })
    for (const r of res.records) out.push(copyRecord(r))
    if (res.nextOffset <= offset) throw new Error(`read at ${offset} made no progress`)
    offset = res.nextOffset
  }
  return out
}

function copyRecord(r: ReadRecord): ReadRecord {
  return {
    offset: r.offset,
    timestampMs: r.timestampMs,
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
  }
}

/** The records of `batches` as a reader should see them. */
export function expectedRecords(batches: readonly WrittenBatch[]): ReadRecord[] {
  return batches.flatMap((b) => b.records.map((r, i) => ({ ...r, offset: b.base + i })))
}

/** Compares two record lists; returns the first difference, or undefined. */
export function firstDifference(got: readonly ReadRecord[], want: readonly ReadRecord[]): string | undefined {
  const same = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
    a === null || b === null ? a === b : Buffer.from(a).equals(b)
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    const g = got[i]
    const w = want[i]
    if (g === undefined || w === undefined) return `record ${i}: got ${g?.offset}, want ${w?.offset}`
    if (
      g.offset !== w.offset ||
      g.timestampMs !== w.timestampMs ||
      !same(g.key, w.key) ||
      !same(g.value, w.value)
    ) {
      return `record ${i} (offset ${w.offset}) differs: got offset ${g.offset}`
    }
  }
  return undefined
}
