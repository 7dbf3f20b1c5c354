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

/** OTLP logs bodies → DecodedRequest (records = log records). */
export class OtlpLogsBodyDecoder implements OtlpSignalDecoder {
  readonly #decoder: OtlpLogsDecoder

  constructor(limits: IngestLimits) {
    this.#decoder = new OtlpLogsDecoder({ limits: recordLimits(limits) })
  }

  decodeProto(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeProto(body, req.tenant), req, 'logs', 'otlp.LogRecord')
  }

  decodeJson(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeJson(body, req.tenant), req, 'logs', 'otlp.json.LogRecord')
  }
}

/** OTLP traces bodies → DecodedRequest (records = spans). */
export class OtlpTracesBodyDecoder implements OtlpSignalDecoder {
  readonly #decoder: OtlpTracesDecoder

  constructor(limits: IngestLimits) {
    this.#decoder = new OtlpTracesDecoder({ limits: recordLimits(limits) })
  }

  decodeProto(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeProto(body, req.tenant), req, 'traces', 'otlp.Span')
  }

  decodeJson(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeJson(body, req.tenant), req, 'traces', 'otlp.json.Span')
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
