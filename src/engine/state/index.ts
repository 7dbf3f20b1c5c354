export { DEFAULT_FULL_EVERY } from './state-backend.js'
export type { RestoreResult, Snapshot, StateBackend, StateStore } from './state-backend.js'
export { bytesCodec, numberCodec, stringCodec } from './state-codec.js'
export type { StateCodec } from './state-codec.js'
export { StateKeyLimitError, StateUsageError } from './state-errors.js'
export type { AnyTable, MapTable, TableOf, TimeKeyedTable, TimedValue, ValueTable } from './state-table.js'
export { DEFAULT_MAX_KEYS, mapTable, tableKinds, timeKeyedTable, valueTable } from './table-spec.js'
export type {
  AnyTableSpec,
  MapTableSpec,
  MigrateFn,
  TableKind,
  TableOptions,
  TableSpec,
  TimeKeyedTableSpec,
  ValueTableSpec,
} from './table-spec.js'
export { SNAPSHOT_FORMAT_VERSION } from './snapshot-format.js'
export { SnapshotStore } from './snapshot-store.js'
export type { BackendTable } from './snapshot-store.js'
export type { PrepareLoadResult, TableSource } from './table-source.js'
export type { ParsedTable } from './snapshot-format.js'
