import type { ServerResponse } from 'node:http'
import { RemoteWriteDecoder } from '../../prometheus/index.js'
import type { DeadLetterRecord } from '../../dead-letter/dead-letter-record.js'
import type { DecodedRequest, Endpoint, IngestRequest, IngestSummary } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import type { IngestLimits } from '../config.js'
import { sendStoredOrRejected, sendTextError } from '../respond.js'
import { checkSnappySize } from './snappy-size.js'

/**
 * Prometheus remote_write 1.0 (`POST /api/v1/write`): a snappy-compressed `prometheus.WriteRequest`.
 * Answers as Prometheus does: 204 when everything was stored; 400 with a text body when some series
 * were rejected (the rest is stored; Prometheus does not retry a 400, and the rejected series are in
 * the dead-letter topic); 415 for remote_write 2.0 bodies, which are not supported yet.
 */
export class RemoteWriteEndpoint implements Endpoint {
  readonly protocol = 'remote_write'
  readonly signal = 'metrics'
  readonly allowSnappy = true
  readonly #decoder: RemoteWriteDecoder
  readonly #maxDecompressed: number

  constructor(limits: IngestLimits, seriesCacheSize: number) {
    this.#maxDecompressed = limits.maxDecompressedBytes
    this.#decoder = new RemoteWriteDecoder({
      maxCachedSeries: seriesCacheSize,
      limits: {
        maxDecompressedBytes: limits.maxDecompressedBytes,
        maxLabelsPerSeries: limits.maxLabelsPerSeries,
        maxLabelNameLength: limits.maxLabelNameLength,
        maxLabelValueLength: limits.maxLabelValueLength,
      },
    })
  }

  check(req: IngestRequest, contentEncoding: string): void {
    if (/proto=io\.prometheus\.write\.v2/i.test(req.contentType)) {
      throw new IngestHttpError(
        415,
        'unsupported_media_type',
        'remote_write 2.0 (io.prometheus.write.v2.Request) is not supported yet; configure the sender ' +
          'with protobuf_message: prometheus.WriteRequest (remote_write 1.0).',
      )
    }
    if (req.mediaType !== '' && req.mediaType !== 'application/x-protobuf') {
      throw new IngestHttpError(
        415,
        'unsupported_media_type',
        `remote_write expects Content-Type application/x-protobuf, not ${JSON.stringify(req.contentType)}.`,
      )
    }
    const enc = contentEncoding.trim().toLowerCase()
    if (enc !== '' && enc !== 'snappy') {
      throw new IngestHttpError(
        415,
        'unsupported_encoding',
        `remote_write bodies are snappy-compressed (Content-Encoding: snappy), not ${JSON.stringify(enc)}.`,
      )
    }
  }

  decode(body: Buffer, req: IngestRequest): DecodedRequest {
    checkSnappySize(body, this.#maxDecompressed, 'send smaller batches (queue_config.max_samples_per_send)')
    const res = this.#decoder.decode(body, req.tenant)
    if (!res.ok) throw new IngestHttpError(400, 'malformed', `Invalid remote_write request: ${res.reason}.`)
    const rejects: DeadLetterRecord[] = res.rejects.map((r) => ({
      tenant: req.tenant,
      signal: 'metrics',
      format: 'prometheus.TimeSeries',
      reason: r.reason,
      detail: r.series,
      records: r.records,
      receivedAtMs: req.receivedAtMs,
      payload: r.payload,
    }))
    const message =
      res.rejected === 0
        ? ''
        : `${res.rejected} of ${res.received} samples rejected (the rest were stored): ${res.rejectDetails.join('; ')}`
    return {
      batch: res.batch,
      received: res.received,
      rejects,
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
