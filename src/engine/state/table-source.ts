import type { AnyTableSpec } from './table-spec.js'

/** A payload restored from a snapshot, with the table schema version it was written under. */
export interface VersionedPayload {
  readonly version: number
  readonly payload: Uint8Array
}

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
   * Decodes restored contents without touching the table; `commit()` then replaces the table's
   * contents with them (and clears its changes). Never throws: a bad payload is a reason.
   */
  prepareLoad(payloads: ReadonlyMap<string, VersionedPayload>): PrepareLoadResult
}
