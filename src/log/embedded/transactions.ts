import type { Clock } from '../../core/clock.js'
import type { EmbeddedLogStats } from './embedded-log-stats.js'
import type { GroupCommit } from './group-commit.js'
import type { OffsetStore } from './offset-store.js'
import type { Partition } from './partition.js'
import { partitionKey } from './txn-coordinator.js'
import type { TxnCoordinator, TxnStateRecord } from './txn-coordinator.js'
import { InvalidTxnStateError } from '../errors.js'
import type { ProducerIdentity, TopicPartitionOffset } from '../log.js'

export interface TransactionsSettings {
  readonly coordinator: TxnCoordinator
  readonly offsets: OffsetStore
  readonly groupCommit: GroupCommit
  readonly clock: Clock
  readonly stats: EmbeddedLogStats
  /** The `__transaction_state` partition. */
  readonly statePartition: Partition
  /** The `__consumer_offsets` partition. */
  readonly offsetsPartition: Partition
}

/**
 * Producer ids, fencing and the commit protocol of the embedded log (the protocol itself is
 * described in `txn-coordinator.ts` and `src/log/README.md`). Callers validate arguments; every
 * state change here is written to the internal topics and fsynced before it is answered.
 */
export class Transactions {
  readonly #s: TransactionsSettings
  /** Serialises producer-id allocation and transaction state writes. */
  #chain: Promise<unknown> = Promise.resolve()

  constructor(settings: TransactionsSettings) {
    this.#s = settings
  }

  /** Closes every transaction left open by a crash: commit if its PrepareCommit was durable, else abort. */
  async recover(
    partitions: Iterable<readonly [string, Partition]>,
  ): Promise<{ markers: number; commits: number }> {
    const { coordinator, groupCommit, clock } = this.#s
    const now = clock.nowMs()
    const prepared = coordinator.preparedCommits()
    let markers = 0
    for (const [topic, part] of partitions) {
      for (const pid of part.producers.openTransactions()) {
        const rec = prepared.find(([, s]) => s.producerId === pid)?.[1]
        const commit =
          rec !== undefined && rec.partitions.includes(partitionKey(topic, part.settings.partition))
        part.appendMarker(pid, part.producers.get(pid)!.epoch, commit, now)
        groupCommit.markDirty(part.durabilityTarget())
        markers++
      }
    }
    for (const [tid, s] of prepared)
      this.#writeState(tid, { ...s, state: 'CompleteCommit', partitions: [] }, now)
    if (markers > 0 || prepared.length > 0) await groupCommit.flush()
    return { markers, commits: prepared.length }
  }

  initProducer(transactionalId: string | undefined): Promise<ProducerIdentity> {
    return this.#serialized(async () => {
      const { coordinator, statePartition, groupCommit, clock } = this.#s
      const now = clock.nowMs()
      const block = coordinator.needsPidBlock()
      if (block.length > 0) {
        statePartition.append(block, undefined, false, now)
        await groupCommit.waitDurable(statePartition.durabilityTarget())
        coordinator.onPidBlockWritten()
      }
      if (transactionalId === undefined) return { producerId: coordinator.allocatePid(), epoch: 0 }
      const identity = coordinator.nextIdentity(transactionalId, () => coordinator.allocatePid())
      const previous = coordinator.stateOf(transactionalId)
      const stale = previous === undefined ? undefined : coordinator.openTxn(previous.producerId)
      if (stale !== undefined) {
        // Fence the older instance: abort its open transaction with the new epoch.
        const epoch = stale.producerId === identity.producerId ? identity.epoch : stale.epoch
        for (const part of stale.partitions.values()) {
          part.appendMarker(stale.producerId, epoch, false, now)
          groupCommit.markDirty(part.durabilityTarget())
        }
        coordinator.close(stale.producerId)
        this.#s.stats.transactionsAborted++
      }
      const state = {
        producerId: identity.producerId,
        epoch: identity.epoch,
        state: 'Empty',
        partitions: [],
      } as const
      this.#writeState(transactionalId, state, now)
      await groupCommit.waitDurable(statePartition.durabilityTarget())
      return identity
    })
  }

  /** Appends the offsets as transactional records; they apply when the transaction commits. */
  async sendOffsets(
    producer: ProducerIdentity,
    group: string,
    offsets: readonly TopicPartitionOffset[],
  ): Promise<void> {
    const { coordinator, offsets: store, offsetsPartition: part, groupCommit, clock } = this.#s
    const txn = coordinator.begin(producer)
    const now = clock.nowMs()
    const records = store.toRecords(group, offsets, now)
    part.append(records, { producerId: producer.producerId, epoch: producer.epoch, sequence: -1 }, true, now)
    txn.partitions.set(partitionKey(part.settings.topic, 0), part)
    txn.offsets.set(group, [...(txn.offsets.get(group) ?? []), ...offsets])
    await groupCommit.waitDurable(part.durabilityTarget())
  }

  async end(producer: ProducerIdentity, commit: boolean): Promise<void> {
    const { coordinator, statePartition, groupCommit, clock, offsets, stats } = this.#s
    coordinator.checkEpoch(producer)
    const txn = coordinator.openTxn(producer.producerId)
    if (txn === undefined) return
    if (txn.ending) throw new InvalidTxnStateError('endTransaction is already in progress for this producer.')
    if (txn.epoch !== producer.epoch)
      throw new InvalidTxnStateError('The open transaction belongs to another epoch.')
    txn.ending = true
    try {
      await this.#serialized(async () => {
        const tid = txn.transactionalId
        const base = { producerId: txn.producerId, epoch: txn.epoch }
        if (commit) {
          const partitions = [...txn.partitions.keys()]
          this.#writeState(tid, { ...base, state: 'PrepareCommit', partitions }, clock.nowMs())
          await groupCommit.waitDurable(statePartition.durabilityTarget()) // the commit decision
        }
        const now = clock.nowMs()
        for (const part of txn.partitions.values()) {
          part.appendMarker(txn.producerId, txn.epoch, commit, now)
          groupCommit.markDirty(part.durabilityTarget())
        }
        if (commit) for (const [group, entries] of txn.offsets) offsets.apply(group, entries)
        this.#writeState(
          tid,
          { ...base, state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: [] },
          now,
        )
        await groupCommit.waitDurable(statePartition.durabilityTarget())
        if (commit) stats.transactionsCommitted++
        else stats.transactionsAborted++
      })
    } finally {
      coordinator.close(txn.producerId)
    }
  }

  /** Waits for the transaction work in progress (before closing the log). */
  async drain(): Promise<void> {
    await this.#chain.catch(() => undefined)
  }

  #writeState(transactionalId: string, state: TxnStateRecord, nowMs: number): void {
    const record = this.#s.coordinator.record(transactionalId, state, nowMs)
    this.#s.statePartition.append([record], undefined, false, nowMs)
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work)
    this.#chain = next.catch(() => undefined)
    return next
  }
}
