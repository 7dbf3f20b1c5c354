import type { Logger } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { createAlertService } from '../alert/index.js'
import type { AlertService, Silence } from '../alert/index.js'
import { alertRoutes, prometheusRuleGroups } from '../alert/http/index.js'
import type { DuckDBConnection } from '@duckdb/node-api'
import { MemoryDeliveryLog, Notifier, realSleep } from '../notify/index.js'
import { join } from 'node:path'
import {
  ApiServer,
  healthRoutes,
  metricsRoute,
  openapiDocument,
  openapiRoute,
  sendJson,
} from '../api/index.js'
import type { ListenAddress, Readiness, Route, RouteKey } from '../api/index.js'
import { Authenticator, KEYS_FILE_NAME, readKeysFile } from '../auth/index.js'
import { packageVersion } from '../cli/package-version.js'
import { systemClock } from '../core/index.js'
import type { Clock } from '../core/index.js'
import { EngineHost } from '../engine/host/engine-host.js'
import { IngestGateway, INGEST_TOPICS } from '../ingest/http/index.js'
import type { IngestAddress } from '../ingest/http/index.js'
import { openEmbeddedLog } from '../log/embedded/index.js'
import type { EmbeddedLog, EmbeddedLogSettings } from '../log/embedded/index.js'
import {
  ARCHIVE_DIR,
  RetentionJob,
  STORE_FILE,
  StoreDatabase,
  StoreSink,
  loadSilences,
  retentionPolicy,
  saveSilences,
  writeAlertHistory,
} from '../store/index.js'
import type { StoreSource } from '../store/index.js'
import { PromQueryService } from '../query/promql/api/prom-query-service.js'
import { telemetryRoutes } from '../query/http/index.js'
import { promqlRoutes } from '../query/http/promql-routes.js'
import { SampleReader } from '../store/series/sample-reader.js'
import { ANOMALY_TOPIC, builtInJobs, resultTopic } from '../engine/jobs/built-in/built-in-jobs.js'
import type { AllInOneConfig } from './all-in-one-config.js'
import { IngestWriter } from '../ingest/writer/ingest-writer.js'
import { registerAlertMetrics } from './alert-metrics.js'
import {
  SELF_ALERT_RULES_YAML,
  SelfMonitoring,
  registerSelfMonitoringMetrics,
} from './self-monitoring/index.js'
import { registerEngineMetrics } from './engine-metrics.js'
import { registerIngestMetrics } from './ingest-metrics.js'
import { registerLogMetrics } from './log-metrics.js'
import { registerStoreMetrics } from './store-metrics.js'

export interface AllInOneSettings {
  readonly logger: Logger
  readonly clock?: Clock
}

/** On shutdown, how long the store may keep writing what the engine committed last. */
const STORE_DRAIN_MS = 10_000
/** How long a stop waits for queued notifications to be delivered. */
const NOTIFY_DRAIN_MS = 5_000
/** Silences expired longer ago than this are not brought back on start (Alertmanager keeps them a day too). */
const SILENCE_RETENTION_MS = 24 * 3_600_000

type State = 'created' | 'starting' | 'ready' | 'stopping' | 'stopped'

const notReadyReasons: Readonly<Record<Exclude<State, 'ready'>, string>> = {
  created: 'Vigil has not started yet.',
  starting: 'Vigil is starting: opening the log, then ingest, the engine and the API listener.',
  stopping: 'Vigil is shutting down.',
  stopped: 'Vigil has stopped.',
}

/**
 * The all-in-one process: one embedded log, the ingest listener and the API listener, started in
 * dependency order (log, ingest, API) and stopped in reverse. Ready (`/readyz` 200) only between the end of
 * `start` and the beginning of `shutdown`.
 *
 * Lifecycle: `start()` may be called once; when it rejects, whatever it had started is already shut
 * down. `shutdown()` is idempotent, safe when `start` never ran, and waits for a running `start`.
 *
 * Example:
 * ```ts
 * const app = new AllInOne(parseAllInOneConfig({ log: { dataDir } }), { logger })
 * await app.start()
 * // ... until a signal
 * await app.shutdown()
 * ```
 */
export class AllInOne {
  readonly #config: AllInOneConfig
  readonly #settings: AllInOneSettings
  #state: State = 'created'
  #starting: Promise<void> | undefined
  #stopping: Promise<void> | undefined
  #log: EmbeddedLog | undefined
  #ingest: IngestGateway | undefined
  #engine: EngineHost | undefined
  #store:
    { readonly db: StoreDatabase; readonly sink: StoreSink; readonly retention: RetentionJob } | undefined
  #api: ApiServer | undefined
  #alerting: AlertService | undefined
  /** The alerting service's connection for the alert history (one writer, its own connection). */
  #historyConnection: DuckDBConnection | undefined
  /** Silences' own connection: API writes (in transactions) never interleave with history writes. */
  #silenceConnection: DuckDBConnection | undefined
  #silenceWrites: Promise<void> = Promise.resolve()
  #self: SelfMonitoring | undefined
  #notifier: Notifier | undefined
  /** Every notification's outcome (delivered, failed, dropped), the newest 10,000. */
  readonly #deliveries = new MemoryDeliveryLog()

  constructor(config: AllInOneConfig, settings: AllInOneSettings) {
    this.#config = config
    this.#settings = settings
  }

  readiness(): Readiness {
    if (this.#state === 'ready') {
      return {
        isReady: true,
        reason: 'The log is open, the engine runs and the ingest and API listeners are serving.',
      }
    }
    return { isReady: false, reason: notReadyReasons[this.#state] }
  }

  /** Where the API listens (the real port when configured with port 0). Only after `start`. */
  apiAddress(): ListenAddress {
    if (this.#api === undefined) throw new Error('AllInOne is not started.')
    return this.#api.address()
  }

  /** Where ingest listens (the real port when configured with port 0). Only after `start`. */
  ingestAddress(): IngestAddress {
    if (this.#ingest === undefined) throw new Error('AllInOne is not started.')
    return this.#ingest.address()
  }

  /** The method and path of every route the API listener serves. Only after `start`. */
  apiRoutes(): readonly RouteKey[] {
    if (this.#api === undefined) throw new Error('AllInOne is not started.')
    return this.#api.routes()
  }

  start(): Promise<void> {
    if (this.#state !== 'created') throw new Error('AllInOne.start() may be called only once.')
    this.#state = 'starting'
    this.#starting = this.#start()
    return this.#starting
  }

  shutdown(): Promise<void> {
    this.#stopping ??= this.#shutdown()
    return this.#stopping
  }

  async #start(): Promise<void> {
    const { logger } = this.#settings
    try {
      this.#log = await openEmbeddedLog(
        this.#config.log,
        this.#logSettings(logger.child({ component: 'log' })),
      )
      logger.info({ dataDir: this.#config.log.dataDir, fsync: this.#config.log.fsync }, 'The log is open.')

      const auth = await this.#authenticator(logger)
      const ingest = new IngestGateway(this.#config.ingest, {
        logger: logger.child({ component: 'ingest' }),
        clock: this.#settings.clock ?? systemClock,
        log: this.#log,
        auth,
      })
      this.#ingest = ingest
      await ingest.start()

      const engine = new EngineHost(this.#log, {
        engine: this.#config.engine,
        jobs: this.#config.jobs,
        topics: INGEST_TOPICS,
        logger: logger.child({ component: 'engine' }),
      })
      this.#engine = engine
      await engine.start()

      if (this.#config.store.enabled)
        this.#store = await this.#startStore(logger.child({ component: 'store' }))
      const store = this.#store
      const promql = store === undefined ? undefined : this.#promQueryService(store)
      await this.#startAlerting(logger.child({ component: 'alerting' }), promql)

      const registry = new Registry()
      collectDefaultMetrics({ register: registry })
      registerLogMetrics(registry, this.#log)
      registerIngestMetrics(registry, () => ingest.status())
      registerEngineMetrics(registry, () => engine.status())
      if (store !== undefined) registerStoreMetrics(registry, () => store.sink.status())
      registerAlertMetrics(
        registry,
        () => this.#alerting?.status(),
        () => this.#deliveries.counters(),
      )
      if (this.#config.selfMonitoring.enabled) {
        const clock = this.#settings.clock ?? systemClock
        const self = new SelfMonitoring(this.#config.selfMonitoring, {
          registry,
          // Same log, partition count and partitioning as ingest's own writer (IngestWriter is stateless).
          writer: new IngestWriter(this.#log, this.#config.ingest.partitions, clock),
          ledger: ingest.ledger,
          clock,
          onError: (err) =>
            logger.warn({ err }, 'Self-monitoring could not ingest a scrape; retrying at the next interval.'),
        })
        registerSelfMonitoringMetrics(registry, () => self.status())
        this.#self = self
        await self.start()
      }
      const status: Route = {
        method: 'GET',
        path: '/api/v1/ingest/status',
        handle: (_req, res) => sendJson(res, 200, ingest.status()),
      }
      const engineStatus: Route = {
        method: 'GET',
        path: '/api/v1/engine/status',
        handle: (_req, res) => sendJson(res, 200, engineStatusJson(engine)),
      }
      const storeStatus: Route = {
        method: 'GET',
        path: '/api/v1/store/status',
        handle: (_req, res) =>
          store === undefined
            ? sendJson(res, 404, { error: 'The store is disabled (store.enabled: false).' })
            : sendJson(res, 200, { path: store.db.path, sink: store.sink.status() }),
      }
      this.#api = new ApiServer(this.#config.api, {
        logger: logger.child({ component: 'api' }),
        routes: [
          ...healthRoutes(() => this.readiness()),
          metricsRoute(registry),
          status,
          engineStatus,
          storeStatus,
          openapiRoute(
            openapiDocument({
              version: packageVersion(),
              queryApi: store !== undefined,
              alertApi: this.#alerting !== undefined,
            }),
          ),
          ...(store === undefined || promql === undefined ? [] : this.#queryRoutes(store, promql, auth)),
          ...(this.#alerting === undefined
            ? []
            : alertRoutes({
                service: this.#alerting,
                ...(this.#silenceConnection === undefined
                  ? {}
                  : {
                      persistSilences: (changed) => this.#persistSilences(changed),
                    }),
                ...(store === undefined ? {} : { db: store.db }),
                auth,
                clock: this.#settings.clock ?? systemClock,
                limits: { timeoutMs: this.#config.query.timeout },
                logger: logger.child({ component: 'alert-api' }),
              })),
        ],
      })
      await this.#api.start()
    } catch (err) {
      await this.#stopComponents()
      this.#state = 'stopped'
      throw err
    }
    if (this.#state === 'starting') this.#state = 'ready'
  }

  async #shutdown(): Promise<void> {
    const wasStarting = this.#starting
    this.#state = 'stopping'
    // A start in progress finishes (or fails and cleans up) first; then everything stops in order.
    await wasStarting?.catch(() => undefined)
    await this.#stopComponents()
    this.#state = 'stopped'
  }

  /**
   * Stop taking requests (API, then ingest), let the engine commit what it read, then close the log
   * (flushes pending appends).
   */
  async #stopComponents(): Promise<void> {
    const api = this.#api
    const ingest = this.#ingest
    const engine = this.#engine
    const store = this.#store
    const log = this.#log
    const alerting = this.#alerting
    const historyConnection = this.#historyConnection
    this.#historyConnection = undefined
    const silenceConnection = this.#silenceConnection
    this.#silenceConnection = undefined
    const notifier = this.#notifier
    const self = this.#self
    this.#self = undefined
    this.#alerting = undefined
    this.#notifier = undefined
    this.#api = undefined
    this.#ingest = undefined
    this.#engine = undefined
    this.#store = undefined
    this.#log = undefined
    let firstError: unknown
    const steps = [
      () => self?.stop(),
      () => api?.shutdown(),
      () => alerting?.stop(),
      () => historyConnection?.closeSync(),
      () => silenceConnection?.closeSync(),
      () => notifier?.shutdown(AbortSignal.timeout(NOTIFY_DRAIN_MS)),
      () => ingest?.shutdown(),
      () => engine?.shutdown(),
      () => store?.retention.shutdown(),
      () => store?.sink.shutdown({ drainMs: STORE_DRAIN_MS }),
      () => store?.db.close(),
      () => log?.close(),
    ]
    for (const stop of steps) {
      try {
        await stop()
      } catch (err) {
        this.#settings.logger.error({ err }, 'A component failed to shut down.')
        firstError ??= err
      }
    }
    if (firstError !== undefined) throw firstError
  }

  /** Saves changed silences, one transaction at a time on the silences' connection. */
  #persistSilences(changed: readonly Silence[]): Promise<void> {
    const connection = this.#silenceConnection
    if (connection === undefined) return Promise.resolve()
    const next = this.#silenceWrites.then(() => saveSilences(connection, changed))
    this.#silenceWrites = next.catch(() => undefined)
    return next
  }

  /** The store's PromQL engine (the query API and alert rules use it); scoped per tenant by the caller. */
  #promQueryService(store: { readonly db: StoreDatabase; readonly sink: StoreSink }): PromQueryService {
    const clock = this.#settings.clock ?? systemClock
    const q = this.#config.query
    const index = store.sink.series
    return new PromQueryService({
      clock,
      catalog: index,
      // Prometheus' /api/v1/rules: the alerting rules and their alerts, once alerting runs.
      ruleGroups: (tenant) => {
        const alerting = this.#alerting
        if (alerting === undefined) return []
        const rules = { ...alerting.rules(), anomalyIntervalMs: this.#config.alerting.evaluationInterval }
        return prometheusRuleGroups(
          rules,
          tenant,
          alerting.alerts(tenant).map((v) => v.alert),
        )
      },
      limits: {
        timeoutMs: q.timeout,
        maxSamples: q.maxSamples,
        maxSeries: q.maxSeries,
        maxResultPoints: q.maxPoints,
      },
      // One connection per query: a timeout interrupts that connection only.
      openSession: async (tenant) => {
        const c = await store.db.connect()
        return {
          source: new SampleReader(c, index, tenant),
          interrupt: () => c.interrupt(),
          close: () => c.closeSync(),
        }
      },
    })
  }

  /** The query API over the store: PromQL on raw samples, logs and traces; scoped by the caller's key. */
  #queryRoutes(
    store: { readonly db: StoreDatabase; readonly sink: StoreSink },
    service: PromQueryService,
    auth: Authenticator,
  ): Route[] {
    const clock = this.#settings.clock ?? systemClock
    const q = this.#config.query
    return [
      ...promqlRoutes({ service, auth, version: packageVersion() }),
      ...telemetryRoutes({
        db: store.db,
        auth,
        clock,
        limits: { timeoutMs: q.timeout },
        logger: this.#settings.logger.child({ component: 'query' }),
      }),
    ]
  }

  /**
   * The notifier (webhooks, Alertmanagers) and the alerting service reading the detectors'
   * anomalies (and evaluating Prometheus rule files on the store's PromQL engine).
   */
  async #startAlerting(logger: Logger, promql: PromQueryService | undefined): Promise<void> {
    const clock = this.#settings.clock ?? systemClock
    const notifier = Notifier.create(this.#config.notify, {
      clock,
      sleep: realSleep,
      random: Math.random,
      deliveryLog: this.#deliveries,
    })
    this.#notifier = notifier
    if (!this.#config.alerting.enabled) return
    const db = this.#store?.db
    const history = db === undefined ? undefined : await db.connect()
    this.#historyConnection = history
    const silenceConnection = db === undefined ? undefined : await db.connect()
    this.#silenceConnection = silenceConnection
    const alerting = await createAlertService(this.#config.alerting, {
      clock,
      log: this.#log!,
      anomalyTopic: ANOMALY_TOPIC,
      ...(promql === undefined ? {} : { promql }),
      notify: (n) => {
        const outcome = notifier.notify(n)
        if (!outcome.accepted) {
          logger.warn(
            { receiver: n.payload.receiver, reason: outcome.reason, groupKey: n.groupKey },
            "A notification was not queued (configure notify.receivers with the route's receiver).",
          )
        }
      },
      ...(history === undefined
        ? {}
        : {
            history: async (changes) => {
              await writeAlertHistory(history, changes)
            },
          }),
      onError: (err, what) => logger.error({ err }, `Alerting: ${what} failed.`),
      onWarning: (message) => logger.warn(message),
      // Alertmanagers keep their own state: they get every alert again each minute, as from Prometheus.
      resendTo: this.#config.notify.receivers.filter((r) => r.kind === 'alertmanager').map((r) => r.name),
      // The self-monitoring rules, on the self tenant's data (docs/self-monitoring.md).
      ...(this.#config.selfMonitoring.enabled && promql !== undefined
        ? {
            builtInRuleFiles: [
              {
                name: 'builtin:vigil-self.rules.yml',
                tenant: this.#config.selfMonitoring.tenant,
                text: SELF_ALERT_RULES_YAML,
              },
            ],
          }
        : {}),
    })
    this.#alerting = alerting
    if (silenceConnection !== undefined) {
      // Silences survive restarts: those not expired for more than a day come back as they were.
      for (const silence of await loadSilences(silenceConnection, clock.nowMs() - SILENCE_RETENTION_MS)) {
        alerting.silences.restore(silence as Silence)
      }
    }
    await alerting.start(this.#config.alerting.evaluationInterval)
    logger.info(
      {
        anomalyRules: this.#config.alerting.anomalyRules.length,
        ruleFiles: this.#config.alerting.ruleFiles.length,
        receivers: this.#config.notify.receivers.map((r) => r.name),
      },
      'Alerting is running.',
    )
  }

  /**
   * Opens (and migrates) the store and starts its sink on the result topics of the enabled jobs,
   * plus the raw ingest topics `store.raw` turns on, and the retention job.
   */
  async #startStore(
    logger: Logger,
  ): Promise<{ db: StoreDatabase; sink: StoreSink; retention: RetentionJob }> {
    const { store, jobs, log } = this.#config
    const path = store.path ?? join(log.dataDir, STORE_FILE)
    const db = await StoreDatabase.open(path, { clock: this.#settings.clock ?? systemClock })
    // The jobs the engine runs (the same selection EngineHost makes), by their result topics.
    const sources: StoreSource[] = builtInJobs(jobs, this.#config.engine, INGEST_TOPICS).map((job) => ({
      topic: resultTopic(job.name),
      kind: 'results',
    }))
    if (store.raw.metrics) sources.push({ topic: INGEST_TOPICS.metrics, kind: 'metrics' })
    if (store.raw.logs) sources.push({ topic: INGEST_TOPICS.logs, kind: 'logs' })
    if (store.raw.spans) sources.push({ topic: INGEST_TOPICS.traces, kind: 'spans' })
    if (jobs.detect.enabled) sources.push({ topic: ANOMALY_TOPIC, kind: 'anomalies' })
    const sink = new StoreSink({
      log: this.#log!,
      db,
      consumer: 'store',
      sources,
      clock: this.#settings.clock ?? systemClock,
      onError: (err) => logger.error({ err }, 'A store write failed; retrying from the same offset.'),
    })
    const archiveDir = store.archive.dir ?? join(log.dataDir, ARCHIVE_DIR)
    const retention = new RetentionJob({
      db,
      policy: retentionPolicy(store),
      ...(store.archive.enabled
        ? { archive: { dir: archiveDir, restoreHoldMs: store.archive.restoreHold } }
        : {}),
      clock: this.#settings.clock ?? systemClock,
      intervalMs: store.retention.interval,
      onReport: (r) => {
        if (Object.keys(r.deleted).length > 0)
          logger.info({ deleted: r.deleted }, 'Expired store rows deleted.')
      },
      onError: (err) => logger.error({ err }, 'Store retention failed; retrying at the next interval.'),
    })
    try {
      await sink.start()
      await retention.start()
    } catch (err) {
      await sink.shutdown()
      db.close()
      throw err
    }
    logger.info({ path, migrated: db.migrated, topics: sources.map((s) => s.topic) }, 'The store is open.')
    return { db, sink, retention }
  }

  /** Keys from the config file and the keys file; warns about the modes that need attention. */
  async #authenticator(logger: Logger): Promise<Authenticator> {
    const auth = this.#config.auth
    const keysFile = auth.keysFile ?? join(this.#config.log.dataDir, KEYS_FILE_NAME)
    const keys = await readKeysFile(keysFile)
    const authenticator = new Authenticator(auth, keys)
    if (auth.mode === 'none') {
      logger.warn(
        'auth: none — DEVELOPMENT MODE: ingest accepts requests without an API key (tenant from ' +
          'X-Scope-OrgID). Use --auth keys with keys from `vigil keys create` anywhere but your laptop.',
      )
    } else if (authenticator.keyCount === 0) {
      logger.warn(
        { keysFile },
        'auth: keys, but no API keys exist: every ingest request will get 401. Create one with `vigil keys create --tenant <t>`.',
      )
    } else {
      logger.info({ keys: authenticator.keyCount, keysFile }, 'auth: keys.')
    }
    return authenticator
  }

  #logSettings(logger: Logger): EmbeddedLogSettings {
    const onEvent: NonNullable<EmbeddedLogSettings['onEvent']> = ({ level, msg, ...fields }) =>
      logger[level](fields, msg)
    return this.#settings.clock === undefined ? { onEvent } : { onEvent, clock: this.#settings.clock }
  }
}

/** The engine status as JSON: maps as objects, watermarks as ISO times (null before the first). */
function engineStatusJson(engine: EngineHost): unknown {
  const s = engine.status()
  return {
    workers: s.workers,
    restarts: s.restarts,
    tasks: s.tasks.map((t) => ({
      job: t.job,
      task: t.task,
      epoch: t.epoch,
      watermark: Math.abs(t.watermarkMs) < 8.64e15 ? new Date(t.watermarkMs).toISOString() : null,
      recordsRead: t.recordsRead,
      positions: Object.fromEntries(t.positions),
      counters: Object.fromEntries(t.counters),
      lastCommitMs: t.lastCommitMs,
      lastSnapshotBytes: t.lastSnapshotBytes,
    })),
  }
}
