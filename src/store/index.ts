export { StoreDatabase, StoreError, SCHEMA_VERSION } from './duckdb/store-database.js'
export type { MigrationReport } from './duckdb/store-database.js'
export { MIGRATIONS } from './duckdb/migrations.js'
export type { Migration } from './duckdb/migrations.js'
export { StoreSink, storeSourceKinds } from './sink/store-sink.js'
export type { StoreSinkSettings, StoreSinkStatus, StoreSource, StoreSourceKind } from './sink/store-sink.js'
export { resultTableName, sizeLabel } from './tables/result-tables.js'
export { queryAlertHistory, writeAlertHistory } from './tables/alert-history.js'
export { loadSilences, saveSilences } from './tables/silence-table.js'
export type { StoredSilence } from './tables/silence-table.js'
export type {
  AlertHistoryChange,
  AlertHistoryCursor,
  AlertHistoryPage,
  AlertHistoryQuery,
} from './tables/alert-history.js'
export {
  ARCHIVE_DIR,
  STORE_FILE,
  createDefaultStoreConfig,
  retentionPolicy,
  storeConfigSchema,
} from './config.js'
export type { StoreConfig } from './config.js'
export { DAY_MS, applyRetention, retentionFor } from './retention/retention.js'
export type { RetentionPolicy, RetentionReport } from './retention/retention.js'
export { RetentionJob } from './retention/retention-job.js'
export { archivePath, dayName, listArchive, parseDay, restoreDay } from './retention/archive.js'
export type { ArchiveSettings, ArchivedDay } from './retention/archive.js'
