import type { Log, LogRecord, ReadRecord } from '../../log.js'

/** What an implementation provides to run the conformance suite against it. */
export interface LogConformanceHarness {
  readonly name: string
  /** A fresh, empty log on its own storage. */
  open(): Promise<LogUnderTest>
}

export interface LogUnderTest {
  readonly log: Log
  /** Clean restart: close, then open the same storage. */
  reopen(): Promise<Log>
  /** Crash of the log process (no flush, no cleanup), then open the same storage. */
  crashAndReopen(): Promise<Log>
  /** Makes retention and compaction run now (or waits until they have). */
  maintain(): Promise<void>
  /** Moves processing time forward (retention is judged against it). */
  advanceTime(ms: number): Promise<void>
  /** Processing time now, epoch ms. */
  nowMs(): number
  /** Closes the log and removes its storage. */
  dispose(): Promise<void>
}

/** Opens a log, runs `body`, always disposes it. */
export async function withLog(
  harness: LogConformanceHarness,
  body: (ut: LogUnderTest) => Promise<void>,
): Promise<void> {
  const ut = await harness.open()
  try {
    await body(ut)
  } finally {
    await ut.dispose()
  }
}

export function rec(value: string, options: { key?: string | null; timestampMs?: number } = {}): LogRecord {
  const key = options.key === undefined || options.key === null ? null : Buffer.from(options.key)
  return { key, value: Buffer.from(value), timestampMs: options.timestampMs ?? 1_700_000_000_000 }
}

export function text(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString('utf8')
}

/** Reads a partition from `from` to the end (of what the isolation level shows), in small steps. */
export async function readAll(
  log: Log,
  topic: string,
  partition: number,
  options: { from?: number; isolation?: 'read_committed' | 'read_uncommitted'; maxBytes?: number } = {},
): Promise<ReadRecord[]> {
  const out: ReadRecord[] = []
  let offset = options.from ?? (await log.describeTopic(topic))!.partitions[partition]!.logStartOffset
  for (let guard = 0; guard < 100_000; guard++) {
    const res = await log.read(topic, partition, offset, {
      maxBytes: options.maxBytes ?? 64 * 1024,
      isolation: options.isolation ?? 'read_uncommitted',
    })
    out.push(...res.records.map((r) => ({ ...r, key: copy(r.key), value: copy(r.value) })))
    const end = options.isolation === 'read_committed' ? res.lastStableOffset : res.highWatermark
    if (res.nextOffset >= end || (res.records.length === 0 && res.nextOffset === offset)) return out
    offset = res.nextOffset
  }
  throw new Error('readAll did not reach the end of the partition')
}

function copy(b: Uint8Array | null): Uint8Array | null {
  return b === null ? null : Uint8Array.prototype.slice.call(b)
}

export const values = (records: readonly ReadRecord[]): Array<string | null> =>
  records.map((r) => text(r.value))
