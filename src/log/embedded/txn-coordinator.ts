import type { Partition } from './partition.js'
import { InvalidTxnStateError, ProducerFencedError } from '../errors.js'
import type { LogRecord, ProducerIdentity, TopicPartitionOffset } from '../log.js'

/**
 * Transaction coordinator state, kept as Kafka does in a compacted internal topic
 * (`__transaction_state`): one record per transactional id with its producer id, epoch and, while
 * a commit is being completed, the partitions it spans; plus producer-id block allocations.
 *
 * Commit protocol (two-phase, the decision is the durable PrepareCommit record):
 *   1. PrepareCommit {partitions} is appended and fsynced: from here the transaction is committed.
 *   2. A commit marker is written to every partition of the transaction (and the offsets topic).
 *   3. CompleteCommit is appended.
 * Recovery (`EmbeddedLog` open): every partition's open transactions are closed with a commit
 * marker if their producer's record says PrepareCommit and lists the partition, else with an abort
 * marker. So a crash before step 1 aborts, after it commits, on every partition alike.
 */
export const TRANSACTION_STATE_TOPIC = '__transaction_state'

export const txnStates = ['Empty', 'PrepareCommit', 'CompleteCommit', 'CompleteAbort'] as const
export type TxnStateName = (typeof txnStates)[number]

export interface TxnStateRecord {
  readonly producerId: number
  readonly epoch: number
  readonly state: TxnStateName
  /** `topic/partition` keys; set on PrepareCommit. */
  readonly partitions: readonly string[]
}

/** A transaction open in this process. */
export interface OpenTxn {
  readonly transactionalId: string
  readonly producerId: number
  readonly epoch: number
  readonly partitions: Map<string, Partition>
  readonly offsets: Map<string, TopicPartitionOffset[]>
  /** Serialises endTransaction/appends bookkeeping. */
  ending: boolean
}

const PID_BLOCK = 1000
const PID_BLOCK_KEY = '\u0000producer-id-block'
const MAX_EPOCH = 32767

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`
}

export class TxnCoordinator {
  readonly #byId = new Map<string, TxnStateRecord>()
  readonly #open = new Map<number, OpenTxn>()
  #nextPid = 0
  #pidBlockEnd = 0

  /** Rebuilds state from the internal partition. */
  load(partition: Partition): void {
    let offset = partition.logStartOffset
    for (;;) {
      const res = partition.read(offset, 4 * 1024 * 1024, 'read_uncommitted')
      for (const r of res.records) {
        if (r.key === null) continue
        const key = Buffer.from(r.key).toString('utf8')
        if (key === PID_BLOCK_KEY) {
          const end = Number(Buffer.from(r.value ?? []).toString('utf8'))
          this.#pidBlockEnd = end
          this.#nextPid = end // a block is never reused after a restart
        } else if (r.value === null) {
          this.#byId.delete(key)
        } else {
          this.#byId.set(key, JSON.parse(Buffer.from(r.value).toString('utf8')) as TxnStateRecord)
        }
      }
      if (res.nextOffset <= offset) break
      offset = res.nextOffset
    }
  }

  /** Records to append before handing out `nextPid` (a new block), or none. */
  needsPidBlock(): LogRecord[] {
    if (this.#nextPid < this.#pidBlockEnd) return []
    return [
      {
        key: Buffer.from(PID_BLOCK_KEY),
        value: Buffer.from(String(this.#pidBlockEnd + PID_BLOCK)),
        timestampMs: 0,
      },
    ]
  }

  onPidBlockWritten(): void {
    this.#pidBlockEnd += PID_BLOCK
  }

  allocatePid(): number {
    if (this.#nextPid >= this.#pidBlockEnd) throw new Error('no producer id block allocated')
    return this.#nextPid++
  }

  stateOf(transactionalId: string): TxnStateRecord | undefined {
    return this.#byId.get(transactionalId)
  }

  /** Every transactional id whose last record is PrepareCommit (a commit to complete after a crash). */
  preparedCommits(): Array<[string, TxnStateRecord]> {
    return [...this.#byId].filter(([, s]) => s.state === 'PrepareCommit')
  }

  /** State record for `transactionalId` as a log record (also applies it to the in-memory view). */
  record(transactionalId: string, state: TxnStateRecord, timestampMs: number): LogRecord {
    this.#byId.set(transactionalId, state)
    return { key: Buffer.from(transactionalId), value: Buffer.from(JSON.stringify(state)), timestampMs }
  }

  /** Next identity for a transactional id: same producer id, epoch + 1 (or a new id when exhausted). */
  nextIdentity(transactionalId: string, allocate: () => number): ProducerIdentity {
    const prev = this.#byId.get(transactionalId)
    if (prev === undefined || prev.epoch >= MAX_EPOCH)
      return { producerId: allocate(), epoch: 0, transactionalId }
    return { producerId: prev.producerId, epoch: prev.epoch + 1, transactionalId }
  }

  openTxn(producerId: number): OpenTxn | undefined {
    return this.#open.get(producerId)
  }

  /** The open transaction of a transactional producer (created on first use), after a fencing check. */
  begin(producer: ProducerIdentity): OpenTxn {
    const tid = producer.transactionalId
    if (tid === undefined) {
      throw new InvalidTxnStateError(
        `Producer ${producer.producerId} has no transactionalId; use initProducer({ transactionalId }).`,
      )
    }
    this.checkEpoch(producer)
    let txn = this.#open.get(producer.producerId)
    if (txn === undefined) {
      txn = {
        transactionalId: tid,
        producerId: producer.producerId,
        epoch: producer.epoch,
        partitions: new Map(),
        offsets: new Map(),
        ending: false,
      }
      this.#open.set(producer.producerId, txn)
    }
    if (txn.ending)
      throw new InvalidTxnStateError(
        `Transaction of "${tid}" is being committed or aborted; wait for endTransaction.`,
      )
    return txn
  }

  checkEpoch(producer: ProducerIdentity): void {
    const tid = producer.transactionalId
    const current = tid === undefined ? undefined : this.#byId.get(tid)
    if (current === undefined || current.producerId !== producer.producerId) {
      throw new InvalidTxnStateError(
        `Unknown transactional producer ${producer.producerId}; call initProducer first.`,
      )
    }
    if (producer.epoch < current.epoch)
      throw new ProducerFencedError(producer.producerId, producer.epoch, current.epoch)
  }

  close(producerId: number): void {
    this.#open.delete(producerId)
  }
}
