import type { ServerResponse } from 'node:http'
import { LokiPushDecoder } from '../../loki/index.js'
import type { DecodeResult } from '../../loki/index.js'
import type { IngestLimits } from '../config.js'
import type { DecodedRequest, Endpoint, IngestRequest, IngestSummary } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import { sendStoredOrRejected, sendTextError } from '../respond.js'
import { checkSnappySize } from './snappy-size.js'

const PROTOBUF = 'application/x-protobuf'
const JSON_TYPE = 'application/json'

/**
 * Loki push (`POST /loki/api/v1/push`), as Promtail, Grafana Alloy, Fluent Bit and Vector send it:
 * JSON (optionally gzip) or protobuf in a snappy block. Answers as Loki does: 204 when everything
 * was stored; 400 with a text body when some entries were rejected (the rest is stored; shippers do
 * not retry a 400, and the rejected entries are in the dead-letter topic).
 */
export class LokiEndpoint implements Endpoint {
  readonly protocol = 'loki'
  readonly signal = 'logs'
  readonly allowSnappy = true
  readonly #decoder: LokiPushDecoder
  readonly #maxDecompressed: number

  constructor(limits: IngestLimits) {
    this.#maxDecompressed = limits.maxDecompressedBytes
    this.#decoder = new LokiPushDecoder({
      maxDecompressedBytes: limits.maxDecompressedBytes,
      limits: {
        maxLabelsPerStream: limits.maxLabelsPerSeries,
        maxLabelNameLength: limits.maxLabelNameLength,
        maxLabelValueLength: limits.maxLabelValueLength,
        maxLineBytes: limits.maxLogLineLength,
        maxStructuredMetadataPairs: limits.maxAttributesPerRecord,
      },
    })
  }

  check(req: IngestRequest): void {
    if (req.mediaType !== PROTOBUF && req.mediaType !== JSON_TYPE) {
      throw new IngestHttpError(
        415,
        'unsupported_media_type',
        `Loki push expects Content-Type ${PROTOBUF} (snappy) or ${JSON_TYPE}, not ${JSON.stringify(req.contentType)}.`,
      )
    }
  }

  decode(body: Buffer, req: IngestRequest): DecodedRequest {
    let res: DecodeResult
    if (req.mediaType === JSON_TYPE) {
      res = this.#decoder.decodeJson(body, req.tenant, req.receivedAtMs)
    } else {
      checkSnappySize(body, this.#maxDecompressed, 'send smaller batches')
      res = this.#decoder.decodeProto(body, req.tenant, req.receivedAtMs)
    }
    if (!res.ok) throw new IngestHttpError(400, 'malformed', `Invalid Loki push request: ${res.reason}.`)
    const format = req.mediaType === JSON_TYPE ? 'loki.json.Entry' : 'loki.EntryAdapter'
    const counts = Object.entries(res.rejectReasons).filter(([, n]) => n > 0)
    const message =
      res.rejected === 0
        ? ''
        : `${res.rejected} of ${res.accepted + res.rejected} entries rejected (the rest were stored): ` +
          counts.map(([r, n]) => `${r} ${n}`).join(', ')
    return {
      batch: res.batch,
      received: res.accepted + res.rejected,
      rejects: res.rejects.map((r) => ({
        tenant: req.tenant,
        signal: 'logs',
        format,
        reason: r.reason,
        detail: `stream ${r.stream}`,
        records: 1,
        receivedAtMs: req.receivedAtMs,
        payload: r.payload,
      })),
      rejected: res.rejected,
      rejectMessage: message,
    }
  }

  sendSuccess(res: ServerResponse, _req: IngestRequest | undefined, summary: IngestSummary): void {
    sendStoredOrRejected(res, summary.rejected, summary.message)
  }

  sendError(res: ServerResponse, _req: IngestRequest | undefined, err: IngestHttpError): void {
    sendTextError(res, err)
  }
}
