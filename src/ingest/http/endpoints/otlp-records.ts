import type { LogBatch, SpanBatch } from '../../../core/batch/index.js'
import { OtlpLogsDecoder, OtlpTracesDecoder, describeRecordRejects } from '../../otlp/index.js'
import type { RecordDecodeResult, RecordLimits } from '../../otlp/index.js'
import type { IngestLimits } from '../config.js'
import type { DecodedRequest, IngestRequest } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import type { OtlpSignalDecoder } from './otlp.js'

function recordLimits(l: IngestLimits): Partial<RecordLimits> {
  return {
    maxAttributesPerRecord: l.maxAttributesPerRecord,
    maxAttributeNameLength: l.maxLabelNameLength,
    maxAttributeValueLength: l.maxLabelValueLength,
    maxBodyLength: l.maxLogLineLength,
  }
}

interface RecordDecoder {
  decodeProto(bytes: Uint8Array, tenant: string): RecordDecodeResult<LogBatch | SpanBatch>
  decodeJson(body: Uint8Array, tenant: string): RecordDecodeResult<LogBatch | SpanBatch>
}

/** OTLP logs or traces bodies → DecodedRequest (records = log records, or spans). */
export class OtlpRecordsBodyDecoder implements OtlpSignalDecoder {
  readonly #decoder: RecordDecoder
  readonly #signal: 'logs' | 'traces'
  readonly #item: string

  constructor(signal: 'logs' | 'traces', limits: IngestLimits) {
    const options = { limits: recordLimits(limits) }
    this.#decoder = signal === 'logs' ? new OtlpLogsDecoder(options) : new OtlpTracesDecoder(options)
    this.#signal = signal
    this.#item = signal === 'logs' ? 'LogRecord' : 'Span'
  }

  decodeProto(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeProto(body, req.tenant), req, this.#signal, `otlp.${this.#item}`)
  }

  decodeJson(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeJson(body, req.tenant), req, this.#signal, `otlp.json.${this.#item}`)
  }
}

function toDecoded(
  res: RecordDecodeResult<LogBatch | SpanBatch>,
  req: IngestRequest,
  signal: 'logs' | 'traces',
  format: string,
): DecodedRequest {
  if (!res.ok) throw new IngestHttpError(400, 'malformed', `Invalid OTLP ${signal} request: ${res.reason}.`)
  return {
    batch: res.batch,
    received: res.accepted + res.rejected,
    rejects: res.rejects.map((r) => ({
      tenant: req.tenant,
      signal,
      format,
      reason: r.reason,
      detail: '',
      records: 1,
      receivedAtMs: req.receivedAtMs,
      payload: r.payload,
    })),
    rejected: res.rejected,
    rejectMessage: describeRecordRejects(res, signal === 'logs' ? 'log records' : 'spans'),
  }
}
