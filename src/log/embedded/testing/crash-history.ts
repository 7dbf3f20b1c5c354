import { batchKey, batchShape } from './crash-records.js'

/**
 * What the crash writers reported on one data dir, across all their runs: the parent's model of
 * what the log has acknowledged and must keep. Built from the stdout protocol of
 * `crash-writer.ts`; protocol-level violations (a re-sent batch that was not deduplicated, say)
 * are collected in `problems`.
 */
export interface AckedBatch {
  readonly partition: number
  readonly run: number
  readonly seq: number
  readonly base: number
  readonly last: number
  readonly count: number
  /** Transaction number (`tack` lines), 0 outside transactions. */
  readonly txn: number
}

export type TxnDecision = 'commit' | 'abort'

/** The newest batch of an idempotent producer, to re-send in the next run. */
export interface RetryCandidate {
  readonly producerId: number
  readonly epoch: number
  readonly producerSeq: number
  readonly run: number
  readonly seq: number
  readonly base: number
  readonly last: number
}

export function txnKey(run: number, txn: number): string {
  return `${run}:${txn}`
}

export function retryArg(c: RetryCandidate): string {
  return [c.producerId, c.epoch, c.producerSeq, c.run, c.seq].join(':')
}

/**
 * The lines of a run whose acknowledgements were fsync-covered when the writer died: with
 * `interval` or `none`, an acknowledgement precedes its fsync, so after a power loss only these may
 * be required to survive. Covered: the first N lines of the newest `synced N`, and every line
 * before the `ending` of a transaction whose `ended` was printed (endTransaction fsyncs all that was
 * written before it was called). Acknowledgement lines (`ack`, `tack`, `dup`) past that are dropped;
 * the rest are kept.
 */
export function fsyncCoveredLines(lines: readonly string[]): string[] {
  let covered = 0
  const endingAt = new Map<string, number>()
  lines.forEach((line, i) => {
    const [kind = '', a = '', b = ''] = line.split(' ')
    if (kind === 'synced') covered = Math.max(covered, Number(a))
    if (kind === 'ending') endingAt.set(`${a}:${b}`, i)
    if (kind === 'ended') covered = Math.max(covered, endingAt.get(`${a}:${b}`) ?? 0)
  })
  return lines.filter((line, i) => i < covered || !/^(ack|tack|dup) /.test(line))
}

export class CrashHistory {
  readonly acked = new Map<string, AckedBatch>()
  /** endTransaction was called (`ending`): the only transactions that may become visible. */
  readonly txnEnding = new Map<string, TxnDecision>()
  /** endTransaction resolved (`ended`). */
  readonly txnEnded = new Map<string, TxnDecision>()
  /** Acknowledged batches per transaction. */
  readonly txnBatches = new Map<string, string[]>()
  readonly problems: string[] = []
  /** Batches whose bytes were compared with a regenerated copy (by `verifyCrashLog`). */
  readonly contentChecked = new Set<string>()
  duplicatesChecked = 0
  retriesChecked = 0

  /** Adds the lines of run `run`; `retry` is the batch it was asked to re-send, if any. */
  addRun(run: number, lines: readonly string[], retry: RetryCandidate | undefined): void {
    for (const line of lines) {
      const [kind = '', ...rest] = line.split(' ')
      const n = rest.map(Number)
      switch (kind) {
        case 'ack':
        case 'tack':
          this.#ack(kind, n, run)
          break
        case 'dup':
          this.#dup(n)
          break
        case 'ending':
        case 'ended': {
          const decision = rest[2] === 'commit' ? 'commit' : 'abort'
          const map = kind === 'ending' ? this.txnEnding : this.txnEnded
          map.set(txnKey(n[0] ?? -1, n[1] ?? -1), decision)
          break
        }
        case 'retry':
          this.retriesChecked++
          if (retry === undefined || n[0] !== 1 || n[1] !== retry.base || n[2] !== retry.last) {
            this.problems.push(
              `run ${run}: re-sent batch ${JSON.stringify(retry)} was not deduplicated: "${line}"`,
            )
          }
          break
        case 'retry-error':
          this.problems.push(`run ${run}: re-sending the producer's newest batch failed: "${line}"`)
          break
        case 'ready':
        case 'synced':
          break
        default:
          this.problems.push(`run ${run}: unexpected line "${line}"`)
      }
    }
  }

  #ack(kind: string, n: readonly number[], run: number): void {
    const [partition = -1, base = -1, last = -1, ackRun = -1, seq = -1, count = -1, txn = 0] = n
    const batch: AckedBatch = { partition, run: ackRun, seq, base, last, count, txn }
    const key = batchKey(batch)
    if (ackRun !== run || this.acked.has(key))
      this.problems.push(`run ${run}: bad or repeated ${kind} ${key}`)
    if (last - base + 1 !== count || batchShape(batch).length !== count) {
      this.problems.push(`run ${run}: ${kind} ${key} covers ${base}..${last} for ${count} records`)
    }
    this.acked.set(key, batch)
    if (kind === 'tack') {
      const t = txnKey(ackRun, txn)
      this.txnBatches.set(t, [...(this.txnBatches.get(t) ?? []), key])
    }
  }

  #dup(n: readonly number[]): void {
    const [partition = -1, base = -1, last = -1, run = -1, seq = -1, duplicate = 0] = n
    const key = batchKey({ partition, run, seq })
    const first = this.acked.get(key)
    this.duplicatesChecked++
    if (first === undefined || first.base !== base || first.last !== last || duplicate !== 1) {
      this.problems.push(
        `batch ${key} sent twice was written twice or moved: first ${first?.base}..${first?.last}, ` +
          `again ${base}..${last} duplicate=${duplicate}`,
      )
    }
  }
}
