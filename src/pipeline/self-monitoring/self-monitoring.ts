import { hostname } from 'node:os'
import { PipelineError } from '../../core/index.js'
import type { Clock } from '../../core/index.js'
import { encodeMetricBatch } from '../../core/batch/index.js'
import type { MetricBatch } from '../../core/batch/index.js'
import type { IngestLedger } from '../../ingest/ledger/ingest-ledger.js'
import type { IngestWriter } from '../../ingest/writer/ingest-writer.js'
import type { SelfMonitoringConfig } from './config.js'
import { SELF_JOB } from './config.js'
import { registryToBatch } from './registry-to-batch.js'
import type { PromMetricFamily, RegistryBatch } from './registry-to-batch.js'
import { timerScheduler } from './scheduler.js'
import type { Cancel, Scheduler } from './scheduler.js'

/**
 * Ledger reasons of self samples that were read but not stored (beside ingest's own
 * `log_append_failed`, which a failed append books as for any request).
 */
export const SELF_SERIES_LIMIT_REASON = 'self_max_series'
const APPEND_FAILED_REASON = 'log_append_failed'

/** What SelfMonitoring reads: a prom-client `Registry` fits. */
export interface SelfMetricsSource {
  getMetricsAsJSON(): Promise<readonly PromMetricFamily[]>
}

export interface SelfMonitoringSettings {
  /** The process's registry (the one `/metrics` serves). */
  readonly registry: SelfMetricsSource
  /** Appends to the ingest topics (`vigil.ingest.metrics`); their topics must exist before a scrape. */
  readonly writer: Pick<IngestWriter, 'append'>
  /** Ingest's conservation ledger: self samples are booked like received samples. */
  readonly ledger?: Pick<IngestLedger, 'record'>
  readonly clock: Clock
  /** Default: Node timers (unref'd). */
  readonly scheduler?: Scheduler
  /** A failed scrape or append (already counted); the next interval tries again. */
  readonly onError?: (err: PipelineError) => void
}

/** What one scrape did; a value, never a throw. */
export type ScrapeOutcome =
  | {
      readonly kind: 'appended'
      readonly timestampMs: number
      readonly samples: number
      readonly droppedSeries: number
    }
  | { readonly kind: 'scrape_failed'; readonly timestampMs: number; readonly error: PipelineError }
  | {
      readonly kind: 'append_failed'
      readonly timestampMs: number
      readonly samples: number
      readonly droppedSeries: number
      readonly error: PipelineError
    }

export const scrapeOutcomes = [
  'appended',
  'scrape_failed',
  'append_failed',
] as const satisfies readonly ScrapeOutcome['kind'][]

/** Counters since construction (exported by `registerSelfMonitoringMetrics`). */
export interface SelfMonitoringStatus {
  readonly tenant: string
  readonly instance: string
  readonly intervalMs: number
  /** Scrapes by outcome. */
  readonly scrapes: Readonly<Record<ScrapeOutcome['kind'], number>>
  /** Samples appended durably. */
  readonly samplesAppended: number
  /** Samples of failed appends (not stored; the next scrape reads the registry afresh). */
  readonly samplesFailed: number
  /** Series over `maxSeries`, summed over scrapes. */
  readonly seriesDropped: number
  /** Series in the last scrape that was turned into a batch; -1 before the first. */
  readonly lastSeries: number
  /** Scrape time of the last successful append, epoch ms; -1 before the first. */
  readonly lastSuccessMs: number
}

/**
 * Self-monitoring: every `interval` the process reads its own prom-client registry and ingests
 * the samples as one MetricBatch of the self tenant (`vigil-self`), service `vigil`, through the
 * IngestWriter to `vigil.ingest.metrics`, so they take the user data's path (log → rollups →
 * detectors → store, PromQL for that tenant) and the built-in rules (self-rules.ts) alert on them.
 * See registry-to-batch.ts for the series and labels, docs/self-monitoring.md for the whole.
 *
 * Contract: `start()` schedules the first scrape one interval later; later ones follow at a fixed
 * rate (a run that overruns skips the ticks it missed; runs never overlap). A scrape never throws:
 * a failed read of the registry or a failed append is counted (`status()`), reported to `onError`
 * and tried again at the next interval with a fresh scrape (counters are cumulative, so only that
 * instant's gauge values are lost, as with a failed Prometheus scrape). Each scrape's samples are
 * booked in the ingest ledger: received = accepted (appended) + dropped (`log_append_failed`,
 * `self_max_series`). `stop()` cancels the schedule and waits for a scrape in flight, so it must
 * resolve before the log closes; it is idempotent and safe when `start` never ran. Not restartable.
 *
 * ```ts
 * const self = new SelfMonitoring(config.selfMonitoring, { registry, writer, ledger, clock })
 * await self.start()
 * // ...
 * await self.stop()
 * ```
 */
export class SelfMonitoring {
  readonly #config: SelfMonitoringConfig
  readonly #s: SelfMonitoringSettings
  readonly #scheduler: Scheduler
  readonly #instance: string
  #state: 'created' | 'running' | 'stopped' = 'created'
  #cancel: Cancel | undefined
  #nextDueMs = 0
  #inFlight: Promise<ScrapeOutcome> | undefined
  readonly #scrapes: Record<ScrapeOutcome['kind'], number> = {
    appended: 0,
    scrape_failed: 0,
    append_failed: 0,
  }
  #samplesAppended = 0
  #samplesFailed = 0
  #seriesDropped = 0
  #lastSeries = -1
  #lastSuccessMs = -1

  constructor(config: SelfMonitoringConfig, settings: SelfMonitoringSettings) {
    this.#config = config
    this.#s = settings
    this.#scheduler = settings.scheduler ?? timerScheduler
    this.#instance = config.instance ?? hostname()
  }

  get tenant(): string {
    return this.#config.tenant
  }

  get instance(): string {
    return this.#instance
  }

  /** Starts the schedule. Idempotent while running; rejects after `stop`. */
  start(): Promise<void> {
    if (this.#state === 'stopped') {
      return Promise.reject(
        new PipelineError('Self-monitoring was stopped and cannot start again.', {
          code: 'SELF_MONITORING_STOPPED',
          domain: 'internal',
          retryable: false,
        }),
      )
    }
    if (this.#state === 'created') {
      this.#state = 'running'
      this.#nextDueMs = this.#s.clock.nowMs() + this.#config.interval
      this.#cancel = this.#scheduler.schedule(this.#config.interval, () => this.#tick())
    }
    return Promise.resolve()
  }

  /** Cancels the schedule, then waits for the scrape in flight (its append included). Idempotent. */
  async stop(): Promise<void> {
    this.#state = 'stopped'
    this.#cancel?.()
    this.#cancel = undefined
    await this.#inFlight
  }

  /**
   * Scrapes and appends once, now. A call while a scrape is in flight shares it. Used by the
   * schedule; callable directly (e.g. a final scrape, tests).
   */
  scrapeOnce(): Promise<ScrapeOutcome> {
    this.#inFlight ??= this.#scrape().finally(() => {
      this.#inFlight = undefined
    })
    return this.#inFlight
  }

  status(): SelfMonitoringStatus {
    return {
      tenant: this.#config.tenant,
      instance: this.#instance,
      intervalMs: this.#config.interval,
      scrapes: { ...this.#scrapes },
      samplesAppended: this.#samplesAppended,
      samplesFailed: this.#samplesFailed,
      seriesDropped: this.#seriesDropped,
      lastSeries: this.#lastSeries,
      lastSuccessMs: this.#lastSuccessMs,
    }
  }

  async #tick(): Promise<void> {
    this.#cancel = undefined
    if (this.#state !== 'running') return
    await this.scrapeOnce()
    if (this.#state !== 'running') return
    const interval = this.#config.interval
    const now = this.#s.clock.nowMs()
    this.#nextDueMs += interval
    if (this.#nextDueMs <= now)
      this.#nextDueMs += Math.ceil((now - this.#nextDueMs + 1) / interval) * interval
    this.#cancel = this.#scheduler.schedule(this.#nextDueMs - now, () => this.#tick())
  }

  async #scrape(): Promise<ScrapeOutcome> {
    const timestampMs = this.#s.clock.nowMs()
    const outcome = await this.#scrapeAt(timestampMs)
    this.#scrapes[outcome.kind]++
    if (outcome.kind !== 'appended') this.#report(outcome.error)
    return outcome
  }

  /** Hands an error to `onError`; a throwing handler must not stop the schedule. */
  #report(err: PipelineError): void {
    try {
      this.#s.onError?.(err)
    } catch {
      // The error is counted already; nothing else to do with it.
    }
  }

  async #scrapeAt(timestampMs: number): Promise<ScrapeOutcome> {
    const { tenant, maxSeries } = this.#config
    let read: RegistryBatch
    try {
      const families = await this.#s.registry.getMetricsAsJSON()
      read = registryToBatch(families, {
        tenant,
        job: SELF_JOB,
        instance: this.#instance,
        timestampMs,
        maxSeries,
      })
    } catch (err) {
      const error = new PipelineError(
        `Self-monitoring could not read the metrics registry: ${message(err)}`,
        {
          code: 'SELF_MONITORING_SCRAPE_FAILED',
          domain: 'internal',
          retryable: true,
          cause: err,
        },
      )
      return { kind: 'scrape_failed', timestampMs, error }
    }
    const { batch, droppedSeries } = read
    this.#lastSeries = batch.series.length
    this.#seriesDropped += droppedSeries
    const samples = batch.length
    const { written, error } = await this.#append(batch)
    const failed = samples - written
    this.#samplesAppended += written
    this.#samplesFailed += failed
    this.#book(samples, written, droppedSeries)
    if (failed > 0) {
      return {
        kind: 'append_failed',
        timestampMs,
        samples,
        droppedSeries,
        error: new PipelineError(`Self-monitoring could not append ${failed} samples: ${message(error)}`, {
          code: 'SELF_MONITORING_APPEND_FAILED',
          domain: 'external',
          retryable: true,
          cause: error,
        }),
      }
    }
    this.#lastSuccessMs = timestampMs
    return { kind: 'appended', timestampMs, samples, droppedSeries }
  }

  /** Appends the batch as one group (service `vigil`: one partition, all or nothing). */
  async #append(batch: MetricBatch): Promise<{ written: number; error: unknown }> {
    if (batch.length === 0) return { written: 0, error: undefined }
    const groups = [{ service: SELF_JOB, value: encodeMetricBatch(batch), records: batch.length }]
    try {
      const outcome = await this.#s.writer.append('metrics', this.#config.tenant, groups)
      return { written: outcome.written, error: outcome.error }
    } catch (err) {
      // IngestWriter settles every append into its outcome; this guards any other writer.
      return { written: 0, error: err }
    }
  }

  /**
   * Books a scrape in the ingest ledger like a request: received = accepted + dropped. A ledger
   * that refuses (a conservation bug) is reported, not thrown: the samples are already stored.
   */
  #book(samples: number, written: number, droppedSeries: number): void {
    const ledger = this.#s.ledger
    if (ledger === undefined || samples + droppedSeries === 0) return
    const dropped = new Map<string, number>()
    if (samples > written) dropped.set(APPEND_FAILED_REASON, samples - written)
    if (droppedSeries > 0) dropped.set(SELF_SERIES_LIMIT_REASON, droppedSeries)
    const outcome = { received: samples + droppedSeries, accepted: written, deadLettered: new Map(), dropped }
    try {
      ledger.record(this.#config.tenant, 'metrics', outcome)
    } catch (err) {
      this.#report(
        new PipelineError(`Self-monitoring could not book a scrape in the ingest ledger: ${message(err)}`, {
          code: 'SELF_MONITORING_LEDGER',
          domain: 'internal',
          retryable: false,
          cause: err,
        }),
      )
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
