import { describeRejects, OtlpMetricsDecoder } from '../../otlp/index.js'
import type { DecodeResult } from '../../otlp/index.js'
import type { IngestLimits } from '../config.js'
import type { DecodedRequest, IngestRequest } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import type { OtlpSignalDecoder } from './otlp.js'

/** OTLP metrics bodies → DecodedRequest (records = samples; a rejected data point counts one). */
export class OtlpMetricsBodyDecoder implements OtlpSignalDecoder {
  readonly #decoder: OtlpMetricsDecoder

  constructor(limits: IngestLimits, seriesCacheSize: number) {
    this.#decoder = new OtlpMetricsDecoder({
      maxCachedSeries: seriesCacheSize,
      limits: {
        maxLabelsPerSeries: limits.maxLabelsPerSeries,
        maxLabelNameLength: limits.maxLabelNameLength,
        maxLabelValueLength: limits.maxLabelValueLength,
      },
    })
  }

  decodeProto(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeProto(body, req.tenant), req, 'otlp.proto')
  }

  decodeJson(body: Buffer, req: IngestRequest): DecodedRequest {
    return toDecoded(this.#decoder.decodeJson(body, req.tenant), req, 'otlp.json')
  }
}

function toDecoded(res: DecodeResult, req: IngestRequest, encoding: string): DecodedRequest {
  if (!res.ok) throw new IngestHttpError(400, 'malformed', `Invalid OTLP metrics request: ${res.reason}.`)
  const format = encoding === 'otlp.proto' ? 'otlp.DataPoint' : 'otlp.json.DataPoint'
  const rejects = res.rejects.map((r) => ({
    tenant: req.tenant,
    signal: 'metrics',
    format,
    reason: r.reason,
    detail: `metric ${r.metric}`,
    records: 1,
    receivedAtMs: req.receivedAtMs,
    payload: r.payload,
  }))
  const samples = res.batch.length + res.batch.keptPoints.length
  return {
    batch: res.batch,
    received: samples + res.rejected,
    rejects,
    rejected: res.rejected,
    rejectMessage: describeRejects(res),
  }
}
