import type { Logger } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { ApiServer, healthRoutes, metricsRoute } from '../api/index.js'
import type { ListenAddress, Readiness } from '../api/index.js'
import type { Clock } from '../core/index.js'
import { openEmbeddedLog } from '../log/embedded/index.js'
import type { EmbeddedLog, EmbeddedLogSettings } from '../log/embedded/index.js'
import type { AllInOneConfig } from './all-in-one-config.js'
import { registerLogMetrics } from './log-metrics.js'

export interface AllInOneSettings {
  readonly logger: Logger
  readonly clock?: Clock
}

type State = 'created' | 'starting' | 'ready' | 'stopping' | 'stopped'

const notReadyReasons: Readonly<Record<Exclude<State, 'ready'>, string>> = {
  created: 'Vigil has not started yet.',
  starting: 'Vigil is starting: the log is being opened.',
  stopping: 'Vigil is shutting down.',
  stopped: 'Vigil has stopped.',
}

/**
 * The all-in-one process: one embedded log and the API listener, started in dependency order (log
 * first, listener last) and stopped in reverse. Ready (`/readyz` 200) only between the end of
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
  #api: ApiServer | undefined

  constructor(config: AllInOneConfig, settings: AllInOneSettings) {
    this.#config = config
    this.#settings = settings
  }

  readiness(): Readiness {
    if (this.#state === 'ready') return { isReady: true, reason: 'The log is open and the API is serving.' }
    return { isReady: false, reason: notReadyReasons[this.#state] }
  }

  /** Where the API listens (the real port when configured with port 0). Only after `start`. */
  apiAddress(): ListenAddress {
    if (this.#api === undefined) throw new Error('AllInOne is not started.')
    return this.#api.address()
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

      const registry = new Registry()
      collectDefaultMetrics({ register: registry })
      registerLogMetrics(registry, this.#log)
      this.#api = new ApiServer(this.#config.api, {
        logger: logger.child({ component: 'api' }),
        routes: [...healthRoutes(() => this.readiness()), metricsRoute(registry)],
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

  /** Reverse start order: stop taking requests, then close the log (flushes pending appends). */
  async #stopComponents(): Promise<void> {
    const api = this.#api
    const log = this.#log
    this.#api = undefined
    this.#log = undefined
    let firstError: unknown
    for (const stop of [() => api?.shutdown(), () => log?.close()]) {
      try {
        await stop()
      } catch (err) {
        this.#settings.logger.error({ err }, 'A component failed to shut down.')
        firstError ??= err
      }
    }
    if (firstError !== undefined) throw firstError
  }

  #logSettings(logger: Logger): EmbeddedLogSettings {
    const onEvent: NonNullable<EmbeddedLogSettings['onEvent']> = ({ level, msg, ...fields }) =>
      logger[level](fields, msg)
    return this.#settings.clock === undefined ? { onEvent } : { onEvent, clock: this.#settings.clock }
  }
}
