import type { Logger } from 'pino'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import type { Log } from '../../log/index.js'
import { IngestLedger } from '../ledger/ingest-ledger.js'
import type { LedgerRow } from '../ledger/ingest-ledger.js'
import { TenantLimits } from '../limits/tenant-limits.js'
import { IngestWriter } from '../writer/ingest-writer.js'
import { DEAD_LETTER_TOPIC, INGEST_TOPICS } from '../writer/ingest-topics.js'
import { Backpressure } from './backpressure.js'
import type { IngestConfig } from './config.js'
import { ConsumerLagMonitor } from './consumer-lag.js'
import { InlineDecodeService } from './decode/decode-service.js'
import type { DecodeService } from './decode/decode-service.js'
import { WorkerDecodeService } from './decode/worker-decode-service.js'
import { createEndpoints } from './endpoints/create-endpoints.js'
import { IngestServer } from './ingest-server.js'
import type { IngestAddress } from './ingest-server.js'

/** Series unseen for one to two hours stop counting towards a tenant's series limit. */
export const SERIES_TTL_MS = 60 * 60 * 1000

export interface IngestGatewaySettings {
  readonly logger: Logger
  readonly clock: Clock
  readonly log: Log
  readonly auth: Authenticator
  /** Resident memory probe; process.memoryUsage.rss by default. */
  readonly rssBytes?: () => number
  /** How often consumer lag is polled when `maxConsumerLagRecords` is set (default 1000 ms). */
  readonly lagPollIntervalMs?: number
}

/** What `/api/v1/ingest/status` shows. */
export interface IngestStatus {
  readonly ledger: readonly LedgerRow[]
  readonly refusals: readonly { protocol: string; reason: string; count: number }[]
  readonly requests: readonly { protocol: string; status: number; count: number }[]
  readonly inFlight: { readonly requests: number; readonly bytes: number }
  readonly tenants: number
  readonly maxConsumerLag: number
  readonly topics: Readonly<Record<string, string>>
}

/**
 * Ingest as one component: the endpoints, limits, ledger, log writer and listener, built from the
 * `ingest:` config. `start` creates the topics, then listens; `shutdown` stops listening (in-flight
 * requests finish). The log is owned by the caller and must outlive the gateway.
 */
export class IngestGateway {
  readonly ledger = new IngestLedger()
  readonly #config: IngestConfig
  readonly #writer: IngestWriter
  readonly #lag: ConsumerLagMonitor
  readonly #backpressure: Backpressure
  readonly #limits: TenantLimits
  readonly #server: IngestServer
  readonly #decoder: DecodeService

  constructor(config: IngestConfig, settings: IngestGatewaySettings) {
    this.#config = config
    const l = config.limits
    this.#writer = new IngestWriter(settings.log, config.partitions, settings.clock)
    this.#lag = new ConsumerLagMonitor(settings.log, Object.values(INGEST_TOPICS), settings.lagPollIntervalMs)
    const rss = settings.rssBytes ?? (() => process.memoryUsage.rss())
    this.#backpressure = new Backpressure(l, config.retryAfterSeconds, {
      rssBytes: rss,
      maxConsumerLag: () => this.#lag.maxLag,
    })
    this.#limits = new TenantLimits({
      requestsPerSecond: l.requestsPerSecondPerTenant,
      burst: l.requestBurstPerTenant,
      maxSeries: l.maxSeriesPerTenant,
      seriesTtlMs: SERIES_TTL_MS,
      maxTenants: l.maxTenants,
    })
    const endpoints = createEndpoints(config)
    this.#decoder =
      config.decodeThreads === 0
        ? new InlineDecodeService(endpoints)
        : new WorkerDecodeService(config, config.decodeThreads, settings.logger)
    this.#server = new IngestServer(config, {
      decoder: this.#decoder,
      logger: settings.logger,
      clock: settings.clock,
      auth: settings.auth,
      limits: this.#limits,
      backpressure: this.#backpressure,
      writer: this.#writer,
      ledger: this.ledger,
      endpoints,
    })
  }

  async start(): Promise<void> {
    await this.#writer.createTopics()
    if (this.#config.limits.maxConsumerLagRecords > 0) this.#lag.start()
    await this.#server.start()
  }

  address(): IngestAddress {
    return this.#server.address()
  }

  async shutdown(): Promise<void> {
    this.#lag.stop()
    await this.#server.shutdown()
    await this.#decoder.close()
  }

  status(): IngestStatus {
    return {
      ledger: this.ledger.rows(),
      refusals: this.ledger.refusals(),
      requests: this.ledger.requests(),
      inFlight: { requests: this.#backpressure.requestsInFlight, bytes: this.#backpressure.bytesInFlight },
      tenants: this.#limits.tenantCount,
      maxConsumerLag: this.#lag.maxLag,
      topics: { ...INGEST_TOPICS, deadLetter: DEAD_LETTER_TOPIC },
    }
  }
}
