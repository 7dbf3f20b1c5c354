import type { StateCodec } from './state-codec.js'

/** The kinds of keyed state table (closed set; the code is the kind's byte in a snapshot). */
export const tableKinds = ['value', 'map', 'timeKeyed'] as const
export type TableKind = (typeof tableKinds)[number]

/** Keys per table unless the declaration says otherwise (memory: ~100 B per small entry). */
export const DEFAULT_MAX_KEYS = 2_000_000

/**
 * Rewrites one value's bytes written under schema `previousVersion` into the current version's
 * bytes. Called once per stored value on restore when a snapshot's table version is older than
 * the declaration's; may throw (the restore is then rejected with the reason).
 */
export type MigrateFn = (previousVersion: number, bytes: Uint8Array) => Uint8Array

interface TableSpecBase<V> {
  readonly name: string
  readonly codec: StateCodec<V>
  /** Schema version of the values (a non-negative integer); bump it with a `migrate` hook. */
  readonly version: number
  readonly migrate?: MigrateFn
  /** New keys past this many are rejected with `StateKeyLimitError`; existing keys still update. */
  readonly maxKeys: number
}

export interface ValueTableSpec<V> extends TableSpecBase<V> {
  readonly kind: 'value'
}
export interface MapTableSpec<V> extends TableSpecBase<V> {
  readonly kind: 'map'
}
export interface TimeKeyedTableSpec<V> extends TableSpecBase<V> {
  readonly kind: 'timeKeyed'
  /** `expire(watermarkMs)` drops entries with `timeMs < watermarkMs − ttlMs`. */
  readonly ttlMs: number
}

export type TableSpec<V> = ValueTableSpec<V> | MapTableSpec<V> | TimeKeyedTableSpec<V>
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of tables of any value type
export type AnyTableSpec = TableSpec<any>

export interface TableOptions {
  readonly version?: number
  readonly migrate?: MigrateFn
  readonly maxKeys?: number
}

/** Declares a table of one value per key. */
export function valueTable<V>(
  name: string,
  codec: StateCodec<V>,
  options: TableOptions = {},
): ValueTableSpec<V> {
  return { kind: 'value', name, codec, ...base(options) }
}

/** Declares a table of (field → value) per key. */
export function mapTable<V>(name: string, codec: StateCodec<V>, options: TableOptions = {}): MapTableSpec<V> {
  return { kind: 'map', name, codec, ...base(options) }
}

/** Declares a table of event-time-ordered entries per key, expired `ttlMs` behind the watermark. */
export function timeKeyedTable<V>(
  name: string,
  codec: StateCodec<V>,
  options: TableOptions & { readonly ttlMs: number },
): TimeKeyedTableSpec<V> {
  if (!(options.ttlMs >= 0) || !Number.isFinite(options.ttlMs))
    throw new RangeError(`table ${name}: ttlMs must be a finite number ≥ 0, not ${options.ttlMs}`)
  return { kind: 'timeKeyed', name, codec, ttlMs: options.ttlMs, ...base(options) }
}

function base(options: TableOptions): { version: number; maxKeys: number; migrate?: MigrateFn } {
  const version = options.version ?? 1
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`bad table version ${version}`)
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError(`bad maxKeys ${maxKeys}`)
  return options.migrate === undefined ? { version, maxKeys } : { version, maxKeys, migrate: options.migrate }
}
