import { readSnapshot } from './snapshot-format.js'
import type { ParsedSnapshot, ParsedTable } from './snapshot-format.js'
import type { TableKind } from './table-spec.js'

/** The state a chain of snapshots adds up to, per table name. */
export interface MergedState {
  readonly ok: true
  /** The newest snapshot's epoch. */
  readonly epoch: number
  /** How many deltas follow the full snapshot used. */
  readonly deltas: number
  readonly tables: ReadonlyMap<string, MergedTable>
}

/** One table's sections of the chain, oldest first (each with its schema version). */
export interface MergedTable {
  readonly kind: TableKind
  readonly sections: readonly ParsedTable[]
}

/**
 * Checks every snapshot, takes the newest full one and the deltas after it, in order, and groups
 * their table sections by table (applying them is the backend's job: no second copy of the keys).
 * Each delta must name its predecessor's epoch as its base, so a missing or reordered delta is
 * caught. Never throws; a problem is a reason naming the snapshot's position.
 */
export function mergeSnapshots(
  snapshots: readonly Uint8Array[],
): MergedState | { readonly ok: false; readonly reason: string } {
  const parsed: ParsedSnapshot[] = []
  for (let i = 0; i < snapshots.length; i++) {
    const r = readSnapshot(snapshots[i]!)
    if (!r.ok) return { ok: false, reason: `snapshot ${i} of ${snapshots.length}: ${r.reason}` }
    parsed.push(r.snapshot)
  }
  let first = -1
  for (let i = parsed.length - 1; i >= 0 && first < 0; i--) if (parsed[i]!.full) first = i
  if (first < 0) return { ok: false, reason: 'no full snapshot to start from' }
  const tables = new Map<string, { kind: TableKind; sections: ParsedTable[] }>()
  for (let i = first; i < parsed.length; i++) {
    const s = parsed[i]!
    if (i > first && s.baseEpoch !== parsed[i - 1]!.epoch) {
      return {
        ok: false,
        reason: `snapshot ${i} (epoch ${s.epoch}) follows epoch ${s.baseEpoch}, not ${parsed[i - 1]!.epoch}`,
      }
    }
    for (const t of s.tables) {
      let table = tables.get(t.name)
      if (table === undefined) {
        table = { kind: t.kind, sections: [] }
        tables.set(t.name, table)
      } else if (table.kind !== t.kind) {
        return { ok: false, reason: `table ${t.name} changes kind from ${table.kind} to ${t.kind}` }
      }
      table.sections.push(t)
    }
  }
  const last = parsed[parsed.length - 1]!
  return { ok: true, epoch: last.epoch, deltas: parsed.length - 1 - first, tables }
}
