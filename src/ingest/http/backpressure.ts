import type { IngestLimits } from './config.js'
import { IngestHttpError } from './http-error.js'

export interface BackpressureProbes {
  /** Resident set size of the process now (process.memoryUsage.rss in production). */
  readonly rssBytes: () => number
  /** The largest consumer-group lag (records) on an ingest partition, from `ConsumerLagMonitor`. */
  readonly maxConsumerLag: () => number
}

/**
 * Admission control before a request body is read (DESIGN.md §4.4): every request holds a slot
 * and its bytes until it is answered, so concurrent work and buffered bytes are bounded; beyond the
 * limits, and when memory or downstream consumers are past their ceilings, the answer is 429/503
 * with Retry-After — what OTLP exporters and Prometheus retry on — instead of queueing.
 *
 * | condition                                  | status | reason          |
 * | ------------------------------------------ | ------ | --------------- |
 * | requests in flight ≥ maxConcurrentRequests | 503    | `overloaded`    |
 * | bytes in flight + this body > maxInFlightBytes | 503 | `overloaded`   |
 * | RSS > maxRssBytes (when set)               | 503    | `memory`        |
 * | consumer lag > maxConsumerLagRecords (when set) | 429 | `consumer_lag` |
 */
export class Backpressure {
  readonly #limits: IngestLimits
  readonly #retryAfter: number
  readonly #probes: BackpressureProbes
  #requests = 0
  #bytes = 0

  constructor(limits: IngestLimits, retryAfterSeconds: number, probes: BackpressureProbes) {
    this.#limits = limits
    this.#retryAfter = retryAfterSeconds
    this.#probes = probes
  }

  get requestsInFlight(): number {
    return this.#requests
  }

  get bytesInFlight(): number {
    return this.#bytes
  }

  /**
   * Admits a request expected to hold `bytes` (its declared length, or the body limit when it is
   * chunked): returns a release function to call exactly once when it is answered, or throws.
   */
  admit(bytes: number): () => void {
    const l = this.#limits
    const retryAfterSeconds = this.#retryAfter
    if (this.#requests >= l.maxConcurrentRequests) {
      throw new IngestHttpError(
        503,
        'overloaded',
        `Vigil is busy: ${this.#requests} requests in flight (ingest.limits.maxConcurrentRequests); retry later.`,
        { retryAfterSeconds },
      )
    }
    if (this.#bytes > 0 && this.#bytes + bytes > l.maxInFlightBytes) {
      throw new IngestHttpError(
        503,
        'overloaded',
        `Vigil is busy: ${this.#bytes} request bytes in flight (ingest.limits.maxInFlightBytes ${l.maxInFlightBytes}); retry later.`,
        { retryAfterSeconds },
      )
    }
    if (l.maxRssBytes > 0) {
      const rss = this.#probes.rssBytes()
      if (rss > l.maxRssBytes) {
        throw new IngestHttpError(
          503,
          'memory',
          `Vigil is over its memory ceiling (${rss} bytes resident > ingest.limits.maxRssBytes ${l.maxRssBytes}); retry later.`,
          { retryAfterSeconds },
        )
      }
    }
    if (l.maxConsumerLagRecords > 0) {
      const lag = this.#probes.maxConsumerLag()
      if (lag > l.maxConsumerLagRecords) {
        throw new IngestHttpError(
          429,
          'consumer_lag',
          `Processing is behind: a consumer lags ${lag} records (ingest.limits.maxConsumerLagRecords ${l.maxConsumerLagRecords}); retry later.`,
          { retryAfterSeconds },
        )
      }
    }
    this.#requests++
    this.#bytes += bytes
    let released = false
    return () => {
      if (released) return
      released = true
      this.#requests--
      this.#bytes -= bytes
    }
  }
}
