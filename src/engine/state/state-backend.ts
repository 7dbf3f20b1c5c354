import type { AnyTable, TableOf } from './state-table.js'
import type { AnyTableSpec } from './table-spec.js'

/** A full snapshot at least every this many epochs (see `StateStore.snapshot`). */
export const DEFAULT_FULL_EVERY = 10

/**
 * A state backend is a light, config-only factory (Flink's `StateBackend`): it creates one
 * `StateStore` per operator instance. Backends differ in where state lives (memory now; spilling
 * to disk later), never in semantics: all of them pass `runStateBackendConformance`.
 */
export interface StateBackend {
  /** lower_snake_case id: `memory`. */
  readonly type: string
  /**
   * A new, empty store holding the declared tables (names unique). Throws `StateUsageError` on a
   * bad declaration. Restore it from the operator's snapshots before the first element.
   */
  createStore(operatorId: string, tables: readonly AnyTableSpec[]): StateStore
}

/** One snapshot of a store: bytes for the checkpoint transaction, opaque to the runtime. */
export interface Snapshot {
  readonly epoch: number
  readonly full: boolean
  readonly bytes: Uint8Array
}

export type RestoreResult = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/**
 * The keyed state of one operator instance. Operators never open files: the runtime writes each
 * snapshot into the state topic inside the epoch's transaction, and on recovery hands the
 * committed ones back to `restore`.
 *
 * ```ts
 * const counts = valueTable('counts', numberCodec)
 * const store = createMemoryBackend().createStore('rollup/0', [counts])
 * store.table(counts).set('cpu{host=a}', 1)
 * const snap = store.snapshot(1) // full; then deltas of changed keys
 * other.restore([snap.bytes])
 * ```
 */
export interface StateStore {
  readonly operatorId: string
  /** A full snapshot at least every this many epochs (so at most `fullEvery − 1` deltas follow one). */
  readonly fullEvery: number
  /** The handle of a declared table (throws `StateUsageError` when not declared as given). */
  table<S extends AnyTableSpec>(spec: S): TableOf<S>
  /** The handle of a declared table by name, for runtimes that resolve names. */
  tableNamed(name: string): AnyTable | undefined
  /**
   * Snapshot for epoch `epoch` (greater than the previous snapshot's or restore's epoch, else
   * `StateUsageError`). Full when there is no previous snapshot, when `fullEvery − 1` deltas
   * already follow the last full one, or when more than half the keys changed; else a delta of
   * the keys put or deleted since the previous snapshot. Taking a snapshot consumes the change
   * set: if it is not committed, `restore` before the next one.
   */
  snapshot(epoch: number): Snapshot
  /**
   * Replaces the whole state with the newest full snapshot in `snapshots` plus the deltas after
   * it (in order, each following its predecessor's epoch). Empty: fresh, empty state. A torn,
   * corrupt, unreadable or non-contiguous input is rejected with a reason and leaves the state as
   * it was; it never throws.
   */
  restore(snapshots: readonly Uint8Array[]): RestoreResult
}
