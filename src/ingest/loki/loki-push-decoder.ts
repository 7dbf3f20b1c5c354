import { DEFAULT_MAX_DECOMPRESSED_BYTES, uncompressSnappyBlock } from '../prometheus/index.js'
import type { DecodeResult } from './decode-result.js'
import { decodePushJson } from './decode-push-json.js'
import { decodePushRequest } from './decode-push-proto.js'
import { resolveLimits } from './limits.js'
import type { LokiLimits } from './limits.js'

export interface LokiPushDecoderOptions {
  readonly limits?: Partial<LokiLimits>
  /** Refuse a protobuf body whose snappy header announces more bytes than this (default 64 MiB). */
  readonly maxDecompressedBytes?: number
}

/**
 * Decodes Loki push bodies (`POST /loki/api/v1/push`) into LogBatches: one stream → one resource,
 * one entry → one row (README.md). Pure and synchronous; both methods never throw. One instance
 * per receiver; it holds only the resolved limits.
 *
 * ```ts
 * const loki = new LokiPushDecoder({ limits: { maxLineBytes: 64 * 1024 } })
 * const res = type === 'application/x-protobuf' ? loki.decodeProto(body, tenant) : loki.decodeJson(body, tenant)
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(res.batch) // then 204; dead-letter res.rejects
 * ```
 */
export class LokiPushDecoder {
  readonly #limits: LokiLimits
  readonly #maxDecompressedBytes: number

  constructor(options: LokiPushDecoderOptions = {}) {
    this.#limits = resolveLimits(options.limits)
    this.#maxDecompressedBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  }

  get limits(): LokiLimits {
    return this.#limits
  }

  /**
   * A JSON body (`application/json`, already gunzipped by the server). `observedAtMs` becomes every
   * row's `observedTimeMs` (0 = unknown).
   */
  decodeJson(body: Uint8Array | string, tenant: string, observedAtMs = 0): DecodeResult {
    return decodePushJson(body, tenant, this.#limits, observedAtMs)
  }

  /** A protobuf body (`application/x-protobuf`): a snappy block-compressed `logproto.PushRequest`. */
  decodeProto(snappyBody: Uint8Array, tenant: string, observedAtMs = 0): DecodeResult {
    const raw = uncompressSnappyBlock(snappyBody, this.#maxDecompressedBytes)
    if (!raw.ok) return raw
    return decodePushRequest(raw.bytes, tenant, this.#limits, observedAtMs)
  }
}
