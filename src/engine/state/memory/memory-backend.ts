import { DEFAULT_FULL_EVERY } from '../state-backend.js'
import type { StateBackend, StateStore } from '../state-backend.js'
import { SnapshotStore } from '../snapshot-store.js'
import type { BackendTable } from '../snapshot-store.js'
import type { AnyTableSpec } from '../table-spec.js'
import { MemoryMapTable } from './memory-map-table.js'
import { MemoryTimeKeyedTable } from './memory-time-keyed-table.js'
import { MemoryValueTable } from './memory-value-table.js'

export interface MemoryBackendConfig {
  /** A full snapshot at least every this many epochs (default 10). */
  readonly fullEvery?: number
}

/**
 * State in JavaScript Maps, decoded (the fastest to read and write; bounded by each table's
 * `maxKeys`, so by the heap). Snapshots encode the keys they carry.
 *
 * ```ts
 * const store = createMemoryBackend({ fullEvery: 10 }).createStore('rollup/0', [counts, recent])
 * ```
 */
export function createMemoryBackend(config: MemoryBackendConfig = {}): StateBackend {
  const fullEvery = config.fullEvery ?? DEFAULT_FULL_EVERY
  return {
    type: 'memory',
    createStore(operatorId: string, tables: readonly AnyTableSpec[]): StateStore {
      return new SnapshotStore(operatorId, fullEvery, tables.map(memoryTable))
    },
  }
}

function memoryTable(spec: AnyTableSpec): BackendTable {
  switch (spec.kind) {
    case 'value':
      return new MemoryValueTable(spec)
    case 'map':
      return new MemoryMapTable(spec)
    case 'timeKeyed':
      return new MemoryTimeKeyedTable(spec)
  }
}
