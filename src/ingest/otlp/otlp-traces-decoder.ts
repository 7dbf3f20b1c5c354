import { decodeOtlpTracesJson } from './decode-traces-json.js'
import { decodeOtlpTracesProto } from './decode-traces.js'
import type { TracesDecodeResult } from './decode-traces.js'
import type { OtlpRecordDecoderOptions } from './otlp-logs-decoder.js'
import { resolveRecordLimits } from './record-limits.js'
import type { RecordLimits } from './record-limits.js'

/**
 * The OTLP traces decoder a receiver keeps for its lifetime; see OtlpLogsDecoder.
 *
 * ```ts
 * const decoder = new OtlpTracesDecoder()
 * const res = isJson ? decoder.decodeJson(body, tenant) : decoder.decodeProto(body, tenant)
 * if (res.ok && res.rejected > 0) partialSuccess(res.rejected, describeRecordRejects(res, 'spans'))
 * ```
 */
export class OtlpTracesDecoder {
  readonly #limits: RecordLimits

  constructor(options: OtlpRecordDecoderOptions = {}) {
    this.#limits = resolveRecordLimits(options.limits)
  }

  decodeProto(bytes: Uint8Array, tenant: string): TracesDecodeResult {
    return decodeOtlpTracesProto(bytes, tenant, this.#limits)
  }

  decodeJson(body: Uint8Array | string, tenant: string): TracesDecodeResult {
    return decodeOtlpTracesJson(body, tenant, this.#limits)
  }
}
