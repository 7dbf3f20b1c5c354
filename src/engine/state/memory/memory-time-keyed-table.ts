import type { TimeKeyedTable, TimedValue } from '../state-table.js'
import { decodeTimedPayload, encodeTimedPayload } from '../table-payload.js'
import type { TimeKeyedTableSpec } from '../table-spec.js'
import { MemoryTable } from './memory-table.js'

/**
 * Entries per key in a time-sorted array (binary search to insert). `expire` scans the keys, but
 * only when the cutoff passes a lower bound of the oldest entry, so watermarks that expire nothing
 * cost nothing.
 */
export class MemoryTimeKeyedTable<V> extends MemoryTable<V, TimedValue<V>[]> implements TimeKeyedTable<V> {
  readonly ttlMs: number
  /** ≤ the oldest entry's time over all keys. */
  #oldestMs = Number.POSITIVE_INFINITY

  constructor(spec: TimeKeyedTableSpec<V>) {
    super(spec)
    this.ttlMs = spec.ttlMs
  }

  get(key: string, timeMs: number): V | undefined {
    const entries = this.contents.get(key)
    if (entries === undefined) return undefined
    const i = lowerBound(entries, timeMs)
    const e = entries[i]
    return e !== undefined && e.timeMs === timeMs ? e.value : undefined
  }

  set(key: string, timeMs: number, value: V): void {
    if (!Number.isFinite(timeMs)) throw new RangeError(`table ${this.name}: timeMs ${timeMs} is not finite`)
    let entries = this.contents.get(key)
    if (entries === undefined) {
      this.admit(key)
      entries = []
      this.contents.set(key, entries)
    }
    const i = lowerBound(entries, timeMs)
    if (entries[i]?.timeMs === timeMs) entries[i] = { timeMs, value }
    else entries.splice(i, 0, { timeMs, value })
    if (timeMs < this.#oldestMs) this.#oldestMs = timeMs
    this.changed.add(key)
  }

  delete(key: string, timeMs?: number): boolean {
    const entries = this.contents.get(key)
    if (entries === undefined) return false
    if (timeMs !== undefined) {
      const i = lowerBound(entries, timeMs)
      if (entries[i]?.timeMs !== timeMs) return false
      entries.splice(i, 1)
      if (entries.length === 0) this.contents.delete(key)
    } else {
      this.contents.delete(key)
    }
    this.changed.add(key)
    return true
  }

  range(key: string, fromMs: number, toMs: number): TimedValue<V>[] {
    const entries = this.contents.get(key)
    if (entries === undefined) return []
    return entries.slice(lowerBound(entries, fromMs), lowerBound(entries, toMs))
  }

  entries(): IterableIterator<[string, readonly TimedValue<V>[]]> {
    return this.contents.entries()
  }

  expire(watermarkMs: number): number {
    const cutoff = watermarkMs - this.ttlMs
    if (!(cutoff > this.#oldestMs)) return 0
    let dropped = 0
    let oldest = Number.POSITIVE_INFINITY
    for (const [key, entries] of this.contents) {
      if (entries[0]!.timeMs < cutoff) {
        const keep = lowerBound(entries, cutoff)
        dropped += keep
        this.changed.add(key)
        if (keep === entries.length) {
          this.contents.delete(key)
          continue
        }
        entries.splice(0, keep)
      }
      if (entries[0]!.timeMs < oldest) oldest = entries[0]!.timeMs
    }
    this.#oldestMs = oldest
    return dropped
  }

  protected encodeContents(entries: TimedValue<V>[]): Uint8Array {
    return encodeTimedPayload(this.spec, entries)
  }

  protected decodeContents(version: number, payload: Uint8Array): TimedValue<V>[] {
    const entries = decodeTimedPayload(this.spec, version, payload)
    if (entries.length === 0) throw new Error('a time-keyed key without entries')
    return entries
  }

  protected override afterLoad(): void {
    let oldest = Number.POSITIVE_INFINITY
    for (const entries of this.contents.values()) oldest = Math.min(oldest, entries[0]!.timeMs)
    this.#oldestMs = oldest
  }
}

/** The first index whose entry is at or after `timeMs`. */
function lowerBound(entries: readonly TimedValue<unknown>[], timeMs: number): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (entries[mid]!.timeMs < timeMs) lo = mid + 1
    else hi = mid
  }
  return lo
}
