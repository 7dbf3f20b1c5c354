import type { MapTableSpec, TimeKeyedTableSpec, ValueTableSpec } from './table-spec.js'

/**
 * The table handles an operator uses. Contract shared by all three: calls are synchronous; a
 * value handed to `set` belongs to the table afterwards (don't mutate it; set a new one), and a
 * value read back must not be mutated either, because change tracking for incremental snapshots
 * sees only `set` and `delete`. Adding a key beyond the table's `maxKeys` throws
 * `StateKeyLimitError` (permanent) and changes nothing, so the operator can dead-letter the record.
 */
interface KeyedTable {
  readonly name: string
  readonly maxKeys: number
  /** Number of keys. */
  readonly size: number
  has(key: string): boolean
}

/** key → V */
export interface ValueTable<V> extends KeyedTable {
  get(key: string): V | undefined
  set(key: string, value: V): void
  /** True when the key existed. */
  delete(key: string): boolean
  entries(): IterableIterator<[string, V]>
}

/** key → (field → V). A key exists while it has at least one field. */
export interface MapTable<V> extends KeyedTable {
  get(key: string, field: string): V | undefined
  set(key: string, field: string, value: V): void
  /** Deletes one field, or the whole key when `field` is left out. True when something existed. */
  delete(key: string, field?: string): boolean
  /** The key's fields (a live read-only view), or undefined. */
  fields(key: string): ReadonlyMap<string, V> | undefined
  entries(): IterableIterator<[string, ReadonlyMap<string, V>]>
}

export interface TimedValue<V> {
  readonly timeMs: number
  readonly value: V
}

/**
 * key → entries ordered by event time (one entry per time; setting a time again replaces it).
 * `expire(watermarkMs)` drops entries with `timeMs < watermarkMs − ttlMs` (the watermark is the
 * table's "now"; processing time plays no part) and removes keys left empty.
 */
export interface TimeKeyedTable<V> extends KeyedTable {
  readonly ttlMs: number
  get(key: string, timeMs: number): V | undefined
  set(key: string, timeMs: number, value: V): void
  /** Deletes the entry at `timeMs`, or the whole key when left out. True when something existed. */
  delete(key: string, timeMs?: number): boolean
  /** Entries with `fromMs ≤ timeMs < toMs`, in time order (a copy). */
  range(key: string, fromMs: number, toMs: number): TimedValue<V>[]
  entries(): IterableIterator<[string, readonly TimedValue<V>[]]>
  /** Drops what the watermark has left `ttlMs` behind; returns how many entries were dropped. */
  expire(watermarkMs: number): number
}

/** The handle type for a declaration. */
export type TableOf<S> =
  S extends ValueTableSpec<infer V>
    ? ValueTable<V>
    : S extends MapTableSpec<infer V>
      ? MapTable<V>
      : S extends TimeKeyedTableSpec<infer V>
        ? TimeKeyedTable<V>
        : never

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table of any value type
export type AnyTable = ValueTable<any> | MapTable<any> | TimeKeyedTable<any>
