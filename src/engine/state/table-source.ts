import type { ParsedTable } from './snapshot-format.js'
import type { AnyTableSpec } from './table-spec.js'

export type PrepareLoadResult =
  { readonly ok: true; commit(): void } | { readonly ok: false; readonly reason: string }

/**
 * What a backend's table gives the shared snapshot logic (`SnapshotStore`): its keys as payloads
 * (see table-payload.ts) and the keys changed since the last snapshot. A memory table encodes on
 * demand; a spilling table could hand out the payloads it already stores. Not for operators.
 */
export interface TableSource {
  readonly spec: AnyTableSpec
  /** Number of keys now. */
  readonly size: number
  /** Keys put or deleted since `clearChanges`. */
  readonly changedCount: number
  forEachPayload(fn: (key: string, payload: Uint8Array) => void): void
  /** Each changed key with its payload now, or undefined when it no longer exists. */
  forEachChange(fn: (key: string, payload: Uint8Array | undefined) => void): void
  clearChanges(): void
  /**
   * Builds the restored contents without touching the table, applying `sections` (a full
   * snapshot's, then deltas', each under its schema version) in order; `commit()` then replaces
   * the table's contents with them (and clears its changes). Never throws: a bad payload is a
   * reason.
   */
  prepareLoad(sections: readonly ParsedTable[]): PrepareLoadResult
}
