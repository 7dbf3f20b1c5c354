import { OutOfOrderSequenceError, ProducerFencedError } from '../errors.js'

/**
 * Per-partition producer state: what makes appends idempotent and transactions visible.
 *
 * For each producer id it keeps the epoch, the metadata of the last few batches (so a retry of any
 * of them is recognised, as Kafka does for max.in.flight = 5), and the first offset of its open
 * transaction in this partition. The last stable offset (LSO) is the smallest such first offset.
 *
 * It is rebuilt on open from the snapshot saved with the last sealed segment plus a replay of the
 * batches after it, so it survives restarts. Bounded: `maxProducers` entries, least recently used
 * evicted first (never one with an open transaction); idle entries expire at snapshot time.
 */
export const CACHED_BATCHES_PER_PRODUCER = 5

export interface CachedBatch {
  readonly firstSeq: number
  readonly lastSeq: number
  readonly baseOffset: number
  readonly lastOffset: number
}

export interface ProducerEntry {
  epoch: number
  batches: CachedBatch[]
  /** First offset of the open transaction in this partition, or -1. */
  txnFirstOffset: number
  lastSeenMs: number
}

export type SequenceCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number; readonly lastOffset: number }

export interface ProducerSnapshot {
  readonly producers: ReadonlyArray<readonly [number, ProducerEntry]>
}

export class ProducerState {
  readonly #entries = new Map<number, ProducerEntry>()
  readonly #maxProducers: number

  constructor(maxProducers: number) {
    this.#maxProducers = maxProducers
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.#entries.get(producerId)
  }

  /**
   * Decides whether a batch from this producer is new, a retry, or invalid (throws
   * ProducerFencedError / OutOfOrderSequenceError). `baseSequence` < 0: no sequence check.
   */
  check(producerId: number, epoch: number, baseSequence: number, count: number): SequenceCheck {
    const entry = this.#entries.get(producerId)
    if (entry === undefined) return { kind: 'append' }
    if (epoch < entry.epoch) throw new ProducerFencedError(producerId, epoch, entry.epoch)
    if (baseSequence < 0) return { kind: 'append' }
    if (epoch > entry.epoch) {
      if (baseSequence !== 0) throw new OutOfOrderSequenceError(producerId, 0, baseSequence)
      return { kind: 'append' }
    }
    const lastSeq = baseSequence + count - 1
    for (const b of entry.batches) {
      if (b.firstSeq === baseSequence && b.lastSeq === lastSeq) {
        return { kind: 'duplicate', baseOffset: b.baseOffset, lastOffset: b.lastOffset }
      }
    }
    const newest = entry.batches[entry.batches.length - 1]
    const expected = newest === undefined ? baseSequence : newest.lastSeq + 1
    if (baseSequence !== expected) throw new OutOfOrderSequenceError(producerId, expected, baseSequence)
    return { kind: 'append' }
  }

  /** Records a data batch that was written. */
  onData(
    producerId: number,
    epoch: number,
    baseSequence: number,
    baseOffset: number,
    lastOffset: number,
    count: number,
    transactional: boolean,
    nowMs: number,
  ): void {
    const entry = this.#touch(producerId, epoch, nowMs)
    if (baseSequence >= 0) {
      entry.batches.push({
        firstSeq: baseSequence,
        lastSeq: baseSequence + count - 1,
        baseOffset,
        lastOffset,
      })
      if (entry.batches.length > CACHED_BATCHES_PER_PRODUCER) entry.batches.shift()
    }
    if (transactional && entry.txnFirstOffset < 0) entry.txnFirstOffset = baseOffset
  }

  /**
   * Records a commit/abort marker. Returns the first offset of the transaction it ended, or -1 when
   * the producer had no open transaction here (a marker written twice by recovery, say).
   */
  onMarker(producerId: number, epoch: number, nowMs: number): number {
    const entry = this.#touch(producerId, epoch, nowMs)
    const first = entry.txnFirstOffset
    entry.txnFirstOffset = -1
    return first
  }

  /** Producer ids with an open transaction here. */
  openTransactions(): number[] {
    const ids: number[] = []
    for (const [id, e] of this.#entries) if (e.txnFirstOffset >= 0) ids.push(id)
    return ids
  }

  /** Smallest first offset of an open transaction, or `fallback` when none is open. */
  firstUnstableOffset(fallback: number): number {
    let min = fallback
    for (const e of this.#entries.values())
      if (e.txnFirstOffset >= 0 && e.txnFirstOffset < min) min = e.txnFirstOffset
    return min
  }

  snapshot(nowMs: number, idleExpiryMs: number): ProducerSnapshot {
    for (const [id, e] of this.#entries) {
      if (e.txnFirstOffset < 0 && nowMs - e.lastSeenMs > idleExpiryMs) this.#entries.delete(id)
    }
    return {
      producers: [...this.#entries].map(([id, e]) => [id, { ...e, batches: [...e.batches] }] as const),
    }
  }

  restore(snapshot: ProducerSnapshot): void {
    this.#entries.clear()
    for (const [id, e] of snapshot.producers) this.#entries.set(id, { ...e, batches: [...e.batches] })
  }

  #touch(producerId: number, epoch: number, nowMs: number): ProducerEntry {
    let entry = this.#entries.get(producerId)
    if (entry === undefined) {
      entry = { epoch, batches: [], txnFirstOffset: -1, lastSeenMs: nowMs }
      this.#evictIfFull()
    } else {
      this.#entries.delete(producerId) // re-insert: Map order is the LRU order
      if (epoch > entry.epoch) {
        entry.epoch = epoch
        entry.batches = []
      }
      entry.lastSeenMs = nowMs
    }
    this.#entries.set(producerId, entry)
    return entry
  }

  #evictIfFull(): void {
    if (this.#entries.size < this.#maxProducers) return
    for (const [id, e] of this.#entries) {
      if (e.txnFirstOffset < 0) {
        this.#entries.delete(id)
        return
      }
    }
  }
}
