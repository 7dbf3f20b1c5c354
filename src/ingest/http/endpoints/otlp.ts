import type { ServerResponse } from 'node:http'
import type { Signal } from '../../ledger/ingest-ledger.js'
import type { DecodedRequest, Endpoint, IngestRequest, IngestSummary } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import { grpcCodeForStatus, otlpStatusBody, otlpSuccessBody } from '../otlp-response.js'
import type { OtlpSignal } from '../otlp-response.js'
import { sendBody } from '../respond.js'

const PROTOBUF = 'application/x-protobuf'
const JSON_TYPE = 'application/json'

/** Decodes one OTLP signal's body in either encoding. */
export interface OtlpSignalDecoder {
  decodeProto(body: Buffer, req: IngestRequest): DecodedRequest
  decodeJson(body: Buffer, req: IngestRequest): DecodedRequest
}

/**
 * OTLP/HTTP (`POST /v1/metrics`, `/v1/logs`, `/v1/traces`): protobuf or JSON by Content-Type,
 * optionally gzip. Answers per the OTLP spec: 200 with an Export*ServiceResponse, carrying a
 * partial success (`rejected_*`, `error_message`) when some records were rejected; errors as a
 * google.rpc.Status in the request's encoding, 429/503 with Retry-After.
 */
export class OtlpEndpoint implements Endpoint {
  readonly protocol: string
  readonly signal: Signal
  readonly allowSnappy = false
  readonly #otlpSignal: OtlpSignal
  readonly #decoder: OtlpSignalDecoder

  constructor(signal: OtlpSignal, decoder: OtlpSignalDecoder) {
    this.#otlpSignal = signal
    this.signal = signal
    this.protocol = `otlp_${signal}`
    this.#decoder = decoder
  }

  check(req: IngestRequest): void {
    if (req.mediaType !== PROTOBUF && req.mediaType !== JSON_TYPE) {
      throw new IngestHttpError(
        415,
        'unsupported_media_type',
        `OTLP/HTTP expects Content-Type ${PROTOBUF} or ${JSON_TYPE}, not ${JSON.stringify(req.contentType)}.`,
      )
    }
  }

  decode(body: Buffer, req: IngestRequest): DecodedRequest {
    return req.mediaType === JSON_TYPE
      ? this.#decoder.decodeJson(body, req)
      : this.#decoder.decodeProto(body, req)
  }

  sendSuccess(res: ServerResponse, req: IngestRequest | undefined, summary: IngestSummary): void {
    const json = req?.mediaType === JSON_TYPE
    const body = otlpSuccessBody(this.#otlpSignal, json, summary.rejected, summary.message)
    sendBody(res, 200, json ? JSON_TYPE : PROTOBUF, body)
  }

  sendError(res: ServerResponse, req: IngestRequest | undefined, err: IngestHttpError): void {
    const json = req?.mediaType === JSON_TYPE
    const body = otlpStatusBody(json, grpcCodeForStatus(err.status), err.message)
    sendBody(res, err.status, json ? JSON_TYPE : PROTOBUF, body, err.retryAfterSeconds)
  }
}
