import type { DuckDBConnection } from '@duckdb/node-api'
import type { Clock } from '../../core/index.js'
import type { StoreDatabase } from '../duckdb/store-database.js'
import type { ArchiveSettings } from './archive.js'
import { applyRetention } from './retention.js'
import type { RetentionPolicy, RetentionReport } from './retention.js'

export interface RetentionJobSettings {
  readonly db: StoreDatabase
  readonly policy: RetentionPolicy
  /** Export expired days to Parquet first (absent: delete only). */
  readonly archive?: ArchiveSettings
  readonly clock: Clock
  /** Time between runs; the first run comes right after `start`. */
  readonly intervalMs: number
  readonly onReport?: (report: RetentionReport) => void
  readonly onError?: (err: unknown) => void
}

/**
 * Applies the store's retention periodically on its own connection (the sink keeps writing on
 * its own; DuckDB isolates the two). A failed run is reported and tried again at the next interval.
 */
export class RetentionJob {
  readonly #s: RetentionJobSettings
  #connection: DuckDBConnection | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor(settings: RetentionJobSettings) {
    this.#s = settings
  }

  async start(): Promise<void> {
    this.#connection = await this.#s.db.connect()
    this.#schedule(0)
  }

  /** Stops the schedule and waits for a run in progress. Idempotent. */
  async shutdown(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
    this.#connection?.closeSync()
    this.#connection = undefined
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.#run().finally(() => {
        this.#running = undefined
        this.#schedule(this.#s.intervalMs)
      })
    }, delayMs)
    this.#timer.unref()
  }

  async #run(): Promise<void> {
    const c = this.#connection
    if (c === undefined) return
    try {
      this.#s.onReport?.(await applyRetention(c, this.#s.policy, this.#s.clock.nowMs(), this.#s.archive))
    } catch (err) {
      this.#s.onError?.(err)
    }
  }
}
