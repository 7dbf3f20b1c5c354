import { mergeSnapshots } from './merge-snapshots.js'
import { writeSnapshot } from './snapshot-format.js'
import type { TableSection } from './snapshot-format.js'
import type { RestoreResult, Snapshot, StateStore } from './state-backend.js'
import { StateUsageError } from './state-errors.js'
import type { AnyTable, TableOf } from './state-table.js'
import { versionProblem } from './table-payload.js'
import type { AnyTableSpec } from './table-spec.js'
import type { PrepareLoadResult, TableSource } from './table-source.js'

/** A backend's table: the operator's handle and the snapshot view of the same object. */
export type BackendTable = AnyTable & TableSource

/**
 * The snapshot and restore policy every backend shares: which snapshot is full, the chain of
 * deltas, and all-or-nothing restore. A backend supplies only its tables.
 */
export class SnapshotStore implements StateStore {
  readonly operatorId: string
  readonly fullEvery: number
  readonly #tables: ReadonlyMap<string, BackendTable>
  /** Epoch of the previous snapshot (or the restored one); −1 when there is none to build on. */
  #lastEpoch = -1
  #deltasSinceFull = 0

  constructor(operatorId: string, fullEvery: number, tables: readonly BackendTable[]) {
    if (!Number.isSafeInteger(fullEvery) || fullEvery < 1)
      throw new StateUsageError(`fullEvery must be an integer ≥ 1, not ${fullEvery}`)
    const byName = new Map<string, BackendTable>()
    for (const t of tables) {
      if (byName.has(t.spec.name))
        throw new StateUsageError(`operator ${operatorId} declares state table ${t.spec.name} twice`)
      byName.set(t.spec.name, t)
    }
    this.operatorId = operatorId
    this.fullEvery = fullEvery
    this.#tables = byName
  }

  table<S extends AnyTableSpec>(spec: S): TableOf<S> {
    const t = this.#tables.get(spec.name)
    if (t === undefined || t.spec.kind !== spec.kind)
      throw new StateUsageError(`operator ${this.operatorId} did not declare ${spec.kind} table ${spec.name}`)
    return t as unknown as TableOf<S>
  }

  tableNamed(name: string): AnyTable | undefined {
    return this.#tables.get(name)
  }

  snapshot(epoch: number): Snapshot {
    if (!Number.isSafeInteger(epoch) || epoch <= this.#lastEpoch)
      throw new StateUsageError(`snapshot epoch ${epoch} does not follow epoch ${this.#lastEpoch}`)
    let size = 0
    let changed = 0
    for (const t of this.#tables.values()) {
      size += t.size
      changed += t.changedCount
    }
    const full = this.#lastEpoch < 0 || this.#deltasSinceFull >= this.fullEvery - 1 || changed * 2 > size
    const sections: TableSection[] = [...this.#tables.values()].map((t) => ({
      name: t.spec.name,
      kind: t.spec.kind,
      version: t.spec.version,
      write: full
        ? (sink) => t.forEachPayload((key, payload) => sink.put(key, payload))
        : (sink) => t.forEachChange((key, p) => (p === undefined ? sink.delete(key) : sink.put(key, p))),
    }))
    const bytes = writeSnapshot({ full, epoch, baseEpoch: this.#lastEpoch }, sections)
    for (const t of this.#tables.values()) t.clearChanges()
    this.#lastEpoch = epoch
    this.#deltasSinceFull = full ? 0 : this.#deltasSinceFull + 1
    return { epoch, full, bytes }
  }

  restore(snapshots: readonly Uint8Array[]): RestoreResult {
    try {
      return this.#restore(snapshots)
    } catch (err) {
      return { ok: false, reason: `restore failed: ${err instanceof Error ? err.message : String(err)}` }
    }
  }

  #restore(snapshots: readonly Uint8Array[]): RestoreResult {
    const merged = snapshots.length === 0 ? undefined : mergeSnapshots(snapshots)
    if (merged !== undefined && !merged.ok) return merged
    const prepared: Extract<PrepareLoadResult, { ok: true }>[] = []
    for (const t of this.#tables.values()) {
      const restored = merged?.tables.get(t.spec.name)
      if (restored !== undefined && restored.kind !== t.spec.kind)
        return {
          ok: false,
          reason: `table ${t.spec.name} is declared ${t.spec.kind} but was snapshotted ${restored.kind} (a table cannot change kind)`,
        }
      for (const { version: v } of restored?.sections ?? []) {
        const problem = versionProblem(t.spec, v)
        if (problem !== undefined) return { ok: false, reason: problem }
      }
      const p = t.prepareLoad(restored?.sections ?? [])
      if (!p.ok) return p
      prepared.push(p)
    }
    // Tables in the snapshot but no longer declared are dropped with it.
    for (const p of prepared) p.commit()
    this.#lastEpoch = merged?.epoch ?? -1
    this.#deltasSinceFull = merged?.deltas ?? 0
    return { ok: true }
  }
}
