import type { StateBackend, StateStore } from '../../state-backend.js'
import { numberCodec, stringCodec } from '../../state-codec.js'
import { mapTable, timeKeyedTable, valueTable } from '../../table-spec.js'
import type { AnyTableSpec } from '../../table-spec.js'

/** What a backend provides to run the conformance suite against it. */
export interface StateBackendConformanceHarness {
  readonly name: string
  /** A backend taking a full snapshot at least every `fullEvery` epochs. */
  backend(config: { readonly fullEvery: number }): StateBackend
}

/** The tables most tests declare: one of each kind. */
export const counts = valueTable('counts', numberCodec)
export const labels = mapTable('labels', stringCodec)
export const recent = timeKeyedTable('recent', numberCodec, { ttlMs: 1000 })
export const allTables: readonly AnyTableSpec[] = [counts, labels, recent]

export function newStore(
  h: StateBackendConformanceHarness,
  tables: readonly AnyTableSpec[] = allTables,
  fullEvery = 10,
): StateStore {
  return h.backend({ fullEvery }).createStore('op', tables)
}

/** Everything a store holds, as plain data (for deepEqual between stores and with models). */
export function dump(store: StateStore): Record<string, unknown> {
  const value = [...store.table(counts).entries()].sort(byKey)
  const map = [...store.table(labels).entries()].map(([k, f]) => [k, [...f].sort(byKey)]).sort(byKey)
  const timed = [...store.table(recent).entries()]
    .map(([k, e]) => [k, e.map((x) => [x.timeMs, x.value])])
    .sort(byKey)
  return { value, map, timed }
}

function byKey(a: readonly unknown[], b: readonly unknown[]): number {
  const x = a[0] as string
  const y = b[0] as string
  return x < y ? -1 : x > y ? 1 : 0
}
