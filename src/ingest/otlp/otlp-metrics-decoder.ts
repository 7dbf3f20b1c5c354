import { decodeOtlpMetricsJson } from './decode-metrics-json.js'
import { decodeOtlpMetricsProto } from './decode-metrics.js'
import { resolveLimits } from './decode-result.js'
import type { DecodeLimits, DecodeResult } from './decode-result.js'
import { DEFAULT_MAX_CACHED_SERIES, SeriesCache } from './series-cache.js'

export interface OtlpMetricsDecoderOptions {
  readonly limits?: Partial<DecodeLimits>
  /** Series whose label work is cached across requests; 0 disables the cache. Default 100,000. */
  readonly maxCachedSeries?: number
}

/**
 * The OTLP metrics decoder a receiver keeps for its lifetime: the limits plus a bounded cache of
 * series seen in earlier requests (series-cache.ts), which makes repeat exports several times
 * cheaper. Both methods return values and never throw. Not for concurrent use from several
 * threads; calls are synchronous, so one instance serves a receiver's requests in turn.
 *
 * ```ts
 * const decoder = new OtlpMetricsDecoder({ limits: { maxLabelsPerSeries: 32 } })
 * const res = contentType === 'application/json' ? decoder.decodeJson(body, tenant) : decoder.decodeProto(body, tenant)
 * ```
 */
export class OtlpMetricsDecoder {
  readonly #limits: DecodeLimits
  readonly #cache: SeriesCache

  constructor(options: OtlpMetricsDecoderOptions = {}) {
    this.#limits = resolveLimits(options.limits)
    this.#cache = new SeriesCache(options.maxCachedSeries ?? DEFAULT_MAX_CACHED_SERIES)
  }

  /** Cached series right now (for a status page). */
  get cachedSeries(): number {
    return this.#cache.size
  }

  decodeProto(bytes: Uint8Array, tenant: string): DecodeResult {
    return decodeOtlpMetricsProto(bytes, tenant, this.#limits, this.#cache)
  }

  decodeJson(body: Uint8Array | string, tenant: string): DecodeResult {
    return decodeOtlpMetricsJson(body, tenant, this.#limits)
  }
}
