import type { Log } from '../../log.js'
import type { AckedBatch, CrashHistory, RetryCandidate } from './crash-history.js'
import { txnKey } from './crash-history.js'
import {
  CRASH_PARTITIONS,
  CRASH_TOPIC,
  IDEMPOTENT_PARTITION,
  PLAIN_PARTITION,
  TXN_PARTITION,
  batchKey,
  decodeValue,
  expectedValue,
  recordKey,
  txnCommits,
} from './crash-records.js'
import type { DecodedCrashRecord } from './crash-records.js'

/**
 * The parent side of the crash test: reads a recovered log end to end and checks it against what
 * the writers acknowledged (`CrashHistory`). Problems are collected, not thrown, so one failure
 * report lists all of them.
 */
export interface PresentBatch {
  readonly rec: DecodedCrashRecord
  readonly base: number
  /** Records seen so far (all of them once the scan is done). */
  seen: number
}

export interface VerifyReport {
  readonly problems: string[]
  /** Acknowledged batches found intact at their acknowledged offsets. */
  ackedVerified: number
  /** Batches present that were written but never acknowledged (legitimately kept). */
  unackedPresent: number
  records: number
  /** Transactions present in the log that read_committed shows / hides. */
  txnsVisible: number
  txnsHidden: number
  /** Visible although the writer was killed inside endTransaction(commit) (its PrepareCommit was durable). */
  txnsCommittedByRecovery: number
  /** Hidden although the writer never aborted them: open (or not yet prepared) when it was killed. */
  txnsAbortedByRecovery: number
  /** Segments of the crash topic, all partitions. */
  segments: number
  /** The newest batch of partition 1 (for the next run's duplicate check). */
  retryCandidate: RetryCandidate | undefined
}

const READ_MAX_BYTES = 4 * 1024 * 1024
const MAX_PROBLEMS = 50

export async function verifyCrashLog(log: Log, history: CrashHistory): Promise<VerifyReport> {
  const report: VerifyReport = {
    problems: [...history.problems],
    ackedVerified: 0,
    unackedPresent: 0,
    records: 0,
    segments: 0,
    txnsVisible: 0,
    txnsHidden: 0,
    txnsCommittedByRecovery: 0,
    txnsAbortedByRecovery: 0,
    retryCandidate: undefined,
  }
  const problem = (msg: string): void => {
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(msg)
  }
  const topic = await log.describeTopic(CRASH_TOPIC)
  if (topic === undefined) {
    if (history.acked.size > 0) problem(`topic ${CRASH_TOPIC} is gone`)
    return report
  }
  const acked = [...history.acked.values()]
  for (let p = 0; p < CRASH_PARTITIONS; p++) {
    const desc = topic.partitions[p]
    if (desc === undefined) continue
    report.segments += desc.segments
    if (desc.logStartOffset !== 0) problem(`p${p}: logStartOffset ${desc.logStartOffset}, expected 0`)
    if (desc.lastStableOffset !== desc.highWatermark) {
      problem(`p${p}: LSO ${desc.lastStableOffset} != HW ${desc.highWatermark}: recovery left a txn open`)
    }
    const present = await scanPartition(log, p, desc.highWatermark, history, problem, report)
    for (const a of acked) {
      if (a.partition !== p) continue
      const found = present.get(batchKey(a))
      if (found === undefined)
        problem(`p${p}: acknowledged batch ${batchKey(a)} at ${a.base}..${a.last} is lost`)
      else if (found.base !== a.base || found.rec.count !== a.count) {
        problem(`p${p}: acknowledged batch ${batchKey(a)} at ${a.base}..${a.last} is at ${found.base}`)
      } else report.ackedVerified++
    }
    for (const key of present.keys()) if (!history.acked.has(key)) report.unackedPresent++
    if (p === IDEMPOTENT_PARTITION) report.retryCandidate = newest(present)
    const visible = await scanVisible(log, p, desc.highWatermark, problem)
    if (p === TXN_PARTITION) checkTransactions(present, visible, acked, history, problem, report)
    else if (visible.size !== present.size) {
      problem(`p${p}: read_committed shows ${visible.size} batches, read_uncommitted ${present.size}`)
    }
  }
  return report
}

/** Full read_uncommitted scan: every record intact, each batch once, whole, in order, no gaps. */
async function scanPartition(
  log: Log,
  p: number,
  highWatermark: number,
  history: CrashHistory,
  problem: (msg: string) => void,
  report: VerifyReport,
): Promise<Map<string, PresentBatch>> {
  const present = new Map<string, PresentBatch>()
  const newlyChecked: string[] = []
  let current: PresentBatch | undefined
  let lastOffset = -1
  await readAll(log, p, highWatermark, 'read_uncommitted', problem, (offset, key, value) => {
    report.records++
    const rec = decodeValue(value)
    if (typeof rec === 'string') return problem(`p${p}@${offset}: corrupt record served: ${rec}`)
    const where = `p${p}@${offset} (${batchKey(rec)}#${rec.index})`
    if (rec.partition !== p) problem(`${where}: record of partition ${rec.partition}`)
    // Byte-for-byte against a regenerated value the first time a batch is seen; later cycles
    // rely on the record's own checksum (checked by decodeValue) to keep the scan fast.
    const key0 = batchKey(rec)
    if (!history.contentChecked.has(key0)) {
      if (!Buffer.from(expectedValue(rec) ?? []).equals(value ?? new Uint8Array())) {
        problem(`${where}: content differs from what was written`)
      }
      if (rec.index === rec.count - 1) newlyChecked.push(key0)
    }
    const wantKey = p === PLAIN_PARTITION ? null : recordKey(rec, rec.index)
    if ((key === null) !== (wantKey === null) || (key !== null && !wantKey?.equals(key))) {
      problem(`${where}: wrong key`)
    }
    if (offset <= lastOffset) problem(`${where}: offset not increasing after ${lastOffset}`)
    if (p !== TXN_PARTITION && offset !== lastOffset + 1) problem(`${where}: gap after ${lastOffset}`)
    lastOffset = offset
    if (rec.index === 0) {
      if (current !== undefined && current.seen !== current.rec.count) {
        problem(`${where}: batch ${batchKey(current.rec)} has ${current.seen}/${current.rec.count} records`)
      }
      const prev = current?.rec
      const key = batchKey(rec)
      if (present.has(key)) problem(`${where}: batch ${key} appears twice`)
      else if (prev === undefined ? rec.seq !== 0 : !follows(prev, rec)) {
        problem(`${where}: batch ${key} out of order or after a gap (previous ${prev && batchKey(prev)})`)
      }
      current = { rec, base: offset, seen: 1 }
      present.set(key, current)
    } else if (
      current === undefined ||
      batchKey(current.rec) !== batchKey(rec) ||
      rec.index !== current.seen ||
      offset !== current.base + rec.index
    ) {
      problem(`${where}: record outside its batch`)
    } else current.seen++
  })
  if (current !== undefined && current.seen !== current.rec.count) {
    problem(`p${p}: last batch ${batchKey(current.rec)} has ${current.seen}/${current.rec.count} records`)
  }
  for (const key of newlyChecked) history.contentChecked.add(key)
  return present
}

/** Batch keys visible to read_committed, with their record counts. */
async function scanVisible(
  log: Log,
  p: number,
  highWatermark: number,
  problem: (msg: string) => void,
): Promise<Map<string, number>> {
  const visible = new Map<string, number>()
  await readAll(log, p, highWatermark, 'read_committed', problem, (offset, _key, value) => {
    const rec = decodeValue(value)
    if (typeof rec === 'string') return problem(`p${p}@${offset}: corrupt record (read_committed): ${rec}`)
    visible.set(batchKey(rec), (visible.get(batchKey(rec)) ?? 0) + 1)
  })
  return visible
}

function checkTransactions(
  present: ReadonlyMap<string, PresentBatch>,
  visible: ReadonlyMap<string, number>,
  acked: readonly AckedBatch[],
  history: CrashHistory,
  problem: (msg: string) => void,
  report: VerifyReport,
): void {
  const visibleTxns = new Set<string>()
  const presentTxns = new Set<string>()
  for (const [key, b] of present) {
    const t = txnKey(b.rec.run, b.rec.txn)
    presentTxns.add(t)
    const shown = visible.get(key) ?? 0
    if (shown !== 0 && shown !== b.rec.count)
      problem(`p2: batch ${key} partly visible (${shown}/${b.rec.count})`)
    if (shown > 0) visibleTxns.add(t)
  }
  for (const key of visible.keys()) if (!present.has(key)) problem(`p2: ${key} visible but not in the log`)
  for (const t of visibleTxns) {
    const [run = -1, txn = -1] = t.split(':').map(Number)
    if (history.txnEnding.get(t) !== 'commit' || !txnCommits(run, txn)) {
      problem(`p2: txn ${t} is visible to read_committed but endTransaction(commit) was never called`)
    }
  }
  for (const [key, b] of present) {
    const t = txnKey(b.rec.run, b.rec.txn)
    if (visibleTxns.has(t) && !visible.has(key)) problem(`p2: txn ${t} visible without its batch ${key}`)
  }
  for (const a of acked) {
    if (a.partition !== TXN_PARTITION) continue
    const t = txnKey(a.run, a.txn)
    const ended = history.txnEnded.get(t)
    if (ended === 'commit' && !visible.has(batchKey(a))) problem(`p2: committed txn ${t} lost ${batchKey(a)}`)
    if (ended === 'abort' && visible.has(batchKey(a))) problem(`p2: aborted txn ${t} shows ${batchKey(a)}`)
  }
  report.txnsVisible = visibleTxns.size
  report.txnsHidden = presentTxns.size - visibleTxns.size
  for (const t of presentTxns) {
    if (visibleTxns.has(t) && !history.txnEnded.has(t)) report.txnsCommittedByRecovery++
    if (!visibleTxns.has(t) && history.txnEnding.get(t) !== 'abort') report.txnsAbortedByRecovery++
  }
}

async function readAll(
  log: Log,
  p: number,
  highWatermark: number,
  isolation: 'read_committed' | 'read_uncommitted',
  problem: (msg: string) => void,
  onRecord: (offset: number, key: Uint8Array | null, value: Uint8Array | null) => void,
): Promise<void> {
  let offset = 0
  while (offset < highWatermark) {
    let res
    try {
      res = await log.read(CRASH_TOPIC, p, offset, { maxBytes: READ_MAX_BYTES, isolation })
    } catch (err) {
      return problem(
        `p${p}: ${isolation} read at ${offset} threw ${(err as Error).name}: ${(err as Error).message}`,
      )
    }
    for (const r of res.records) onRecord(r.offset, r.key, r.value)
    if (res.nextOffset <= offset) {
      if (isolation === 'read_uncommitted') problem(`p${p}: read at ${offset} made no progress`)
      return
    }
    offset = res.nextOffset
  }
}

/** Whether batch `b` may directly follow batch `a` in a partition: next seq of a run, or a later run's first. */
function follows(a: DecodedCrashRecord, b: DecodedCrashRecord): boolean {
  return (b.run === a.run && b.seq === a.seq + 1) || (b.run > a.run && b.seq === 0)
}

function newest(present: ReadonlyMap<string, PresentBatch>): RetryCandidate | undefined {
  let best: PresentBatch | undefined
  for (const b of present.values()) if (best === undefined || b.base > best.base) best = b
  if (best === undefined) return undefined
  const { producerId, epoch, producerSeq, run, seq, count } = best.rec
  return { producerId, epoch, producerSeq, run, seq, base: best.base, last: best.base + count - 1 }
}
