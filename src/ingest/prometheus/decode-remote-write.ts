import type { DecodeResult } from './decode-result.js'
import { resolveLimits } from './limits.js'
import type { RemoteWriteLimits } from './limits.js'
import { DEFAULT_MAX_CACHED_SERIES, SeriesCache } from './series-cache.js'
import { uncompressSnappyBlock } from './snappy-block.js'
import { decodeWriteRequest } from './write-request-decoder.js'

/**
 * Decodes a Prometheus remote_write v1 request body (snappy block format around a protobuf
 * `prometheus.WriteRequest`) into one columnar MetricBatch for `tenant`. Never throws.
 *
 * The decompressed size is checked against `limits.maxDecompressedBytes` from the snappy header
 * before anything is decompressed. Series with invalid labels are rejected with a counted reason
 * and the rest of the request is accepted; a body that is not snappy or not a well-formed
 * WriteRequest fails as a whole with a reason naming the problem.
 *
 * ```ts
 * const res = decodeRemoteWrite(body, 'acme')
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(res.batch) // then ack; report res.rejected / res.rejectReasons
 * ```
 */
export function decodeRemoteWrite(
  body: Uint8Array,
  tenant: string,
  limits: Partial<RemoteWriteLimits> = {},
): DecodeResult {
  const resolved = resolveLimits(limits)
  const raw = uncompressSnappyBlock(body, resolved.maxDecompressedBytes)
  if (!raw.ok) return raw
  return decodeWriteRequest(raw.bytes, tenant, resolved)
}

export interface RemoteWriteDecoderOptions {
  readonly limits?: Partial<RemoteWriteLimits>
  /** Label sets remembered across requests (0 disables the cache); see SeriesCache. */
  readonly maxCachedSeries?: number
}

/**
 * `decodeRemoteWrite` with a cache of validated label sets that lives across requests: the same
 * series arrive in request after request, and a hit skips decoding and validating their labels.
 * One instance per receiver (or per worker thread); `decode` is synchronous and never throws.
 *
 * ```ts
 * const decoder = new RemoteWriteDecoder({ limits: { maxLabelsPerSeries: 40 } })
 * const res = decoder.decode(body, tenant)
 * ```
 */
export class RemoteWriteDecoder {
  readonly #limits: RemoteWriteLimits
  readonly #cache: SeriesCache

  constructor(options: RemoteWriteDecoderOptions = {}) {
    this.#limits = resolveLimits(options.limits)
    this.#cache = new SeriesCache(options.maxCachedSeries ?? DEFAULT_MAX_CACHED_SERIES)
  }

  /** Label sets currently cached. */
  get cachedSeries(): number {
    return this.#cache.size
  }

  decode(body: Uint8Array, tenant: string): DecodeResult {
    const raw = uncompressSnappyBlock(body, this.#limits.maxDecompressedBytes)
    if (!raw.ok) return raw
    return decodeWriteRequest(raw.bytes, tenant, this.#limits, this.#cache)
  }
}
