import { decodeOtlpLogsJson } from './decode-logs-json.js'
import { decodeOtlpLogsProto } from './decode-logs.js'
import type { LogsDecodeResult } from './decode-logs.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'

export interface OtlpRecordDecoderOptions {
  readonly limits?: Partial<RecordLimits>
}

/**
 * The OTLP logs decoder a receiver keeps for its lifetime (it holds the resolved limits). Both
 * methods return values and never throw; calls are synchronous, so one instance serves a
 * receiver's requests in turn.
 *
 * ```ts
 * const decoder = new OtlpLogsDecoder({ limits: { maxBodyLength: 16_384 } })
 * const res = isJson ? decoder.decodeJson(body, tenant) : decoder.decodeProto(body, tenant)
 * if (res.ok && res.rejected > 0) partialSuccess(res.rejected, describeRecordRejects(res, 'log records'))
 * ```
 */
export class OtlpLogsDecoder {
  readonly #limits: RecordLimits

  constructor(options: OtlpRecordDecoderOptions = {}) {
    this.#limits = resolveRecordLimits(options.limits)
  }

  decodeProto(bytes: Uint8Array, tenant: string): LogsDecodeResult {
    return decodeOtlpLogsProto(bytes, tenant, this.#limits)
  }

  decodeJson(body: Uint8Array | string, tenant: string): LogsDecodeResult {
    return decodeOtlpLogsJson(body, tenant, this.#limits)
  }
}
