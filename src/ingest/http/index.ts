export {
  DEFAULT_INGEST_HOST,
  DEFAULT_INGEST_LIMITS,
  DEFAULT_INGEST_PORT,
  createDefaultIngestConfig,
  ingestConfigSchema,
  ingestLimitsSchema,
} from './config.js'
export type { IngestConfig, IngestLimits } from './config.js'
export { IngestGateway, SERIES_TTL_MS } from './ingest-gateway.js'
export type { IngestGatewaySettings, IngestStatus } from './ingest-gateway.js'
export type { IngestAddress } from './ingest-server.js'
export { IngestHttpError, refusalReasons } from './http-error.js'
export type { RefusalReason } from './http-error.js'
export { signals } from '../ledger/ingest-ledger.js'
export type { LedgerRow, Signal } from '../ledger/ingest-ledger.js'
export { DEAD_LETTER_TOPIC, INGEST_TOPICS } from '../writer/ingest-topics.js'
export { partitionOf } from '../writer/partition-key.js'
export { decodeDeadLetterRecord, encodeDeadLetterRecord } from '../dead-letter/dead-letter-record.js'
export type { DeadLetterRecord } from '../dead-letter/dead-letter-record.js'
