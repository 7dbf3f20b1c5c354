import type { Clock } from '../../core/index.js'
import type { Log, LogRecord } from '../../log/index.js'
import { encodeDeadLetterRecord } from '../dead-letter/dead-letter-record.js'
import type { DeadLetterRecord } from '../dead-letter/dead-letter-record.js'
import type { Signal } from '../ledger/ingest-ledger.js'
import { DEAD_LETTER_TOPIC, INGEST_TOPICS, recordKey } from './ingest-topics.js'
import { PartitionCache } from './partition-key.js'

/** One encoded batch of one (tenant, service), ready to append. */
export interface EncodedGroup {
  readonly service: string
  readonly value: Uint8Array
  /** Ledger records it holds (samples, log records, spans, events). */
  readonly records: number
}

export interface AppendOutcome {
  /** Records whose append resolved (durable under the log's fsync policy). */
  readonly written: number
  /** Records whose append failed. */
  readonly failed: number
  /** The first failure, if any. */
  readonly error: unknown
}

/**
 * Appends ingest batches to the log: each (tenant, service) group goes to partition
 * `hash(tenant, service)` of its signal's topic; all groups of a request that land on one
 * partition go in one `append` call, and partitions are appended in parallel. Resolves when every
 * append settled, saying how many records were written and how many failed (an append is
 * all-or-nothing per partition, so a failure never leaves half a group).
 *
 * The log's `append` resolves only once the records are durable under its fsync policy, so a
 * caller that answers 2xx after `written === total` keeps DESIGN.md §4.1 (ack means durable).
 */
export class IngestWriter {
  readonly #log: Log
  readonly #clock: Clock
  readonly #partitions: PartitionCache

  constructor(log: Log, partitions: number, clock: Clock) {
    this.#log = log
    this.#clock = clock
    this.#partitions = new PartitionCache(partitions)
  }

  /** Creates the ingest and dead-letter topics (idempotent; a topic keeps the count it was made with). */
  async createTopics(): Promise<void> {
    const partitions = this.#partitions.partitions
    for (const topic of Object.values(INGEST_TOPICS)) await this.#log.createTopic(topic, { partitions })
    await this.#log.createTopic(DEAD_LETTER_TOPIC, { partitions })
  }

  append(signal: Signal, tenant: string, groups: readonly EncodedGroup[]): Promise<AppendOutcome> {
    const now = this.#clock.nowMs()
    const byPartition: ByPartition = new Map()
    for (const g of groups) {
      if (g.records === 0) continue
      const record = { key: recordKey(tenant, g.service), value: g.value, timestampMs: now }
      addTo(byPartition, this.#partitions.partitionOf(tenant, g.service), record, g.records)
    }
    return this.#appendAll(INGEST_TOPICS[signal], byPartition)
  }

  /** Appends dead-letter records, partitioned by tenant. */
  deadLetter(entries: readonly DeadLetterRecord[]): Promise<AppendOutcome> {
    const byPartition: ByPartition = new Map()
    for (const e of entries) {
      const record = {
        key: Buffer.from(e.tenant, 'utf8'),
        value: encodeDeadLetterRecord(e),
        timestampMs: e.receivedAtMs,
      }
      addTo(byPartition, this.#partitions.partitionOf(e.tenant, ''), record, e.records)
    }
    return this.#appendAll(DEAD_LETTER_TOPIC, byPartition)
  }

  async #appendAll(topic: string, byPartition: ByPartition): Promise<AppendOutcome> {
    const slots = [...byPartition]
    const settled = await Promise.allSettled(
      slots.map(([p, slot]) => this.#log.append(topic, p, slot.records)),
    )
    let written = 0
    let failed = 0
    let error: unknown
    settled.forEach((s, i) => {
      const count = slots[i]![1].count
      if (s.status === 'fulfilled') written += count
      else {
        failed += count
        error ??= s.reason
      }
    })
    return { written, failed, error }
  }
}

/** Records to append per partition, and the ledger records they stand for. */
type ByPartition = Map<number, { records: LogRecord[]; count: number }>

function addTo(byPartition: ByPartition, partition: number, record: LogRecord, count: number): void {
  let slot = byPartition.get(partition)
  if (slot === undefined) byPartition.set(partition, (slot = { records: [], count: 0 }))
  slot.records.push(record)
  slot.count += count
}
