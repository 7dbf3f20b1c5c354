import type { ServerResponse } from 'node:http'
import { EventsDecoder, streamNameProblem } from '../../events/index.js'
import type { IngestLimits } from '../config.js'
import type { DecodedRequest, Endpoint, IngestRequest, IngestSummary } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import { sendBody } from '../respond.js'

const accepted = new Set(['', 'application/x-ndjson', 'application/jsonl', 'application/json', 'text/plain'])

/**
 * NDJSON business events (`POST /api/v1/events/{stream}`): one JSON object per line. Answers 200
 * with `{accepted, rejected, errors: [{line, reason}]}` (the first 20 rejected lines); 400 with the
 * same body when no line was accepted; errors as `{error}`.
 */
export class EventsEndpoint implements Endpoint {
  readonly protocol = 'events'
  readonly signal = 'events'
  readonly allowSnappy = false
  readonly #decoder: EventsDecoder

  constructor(limits: IngestLimits) {
    this.#decoder = new EventsDecoder({
      limits: {
        maxFields: limits.maxAttributesPerRecord,
        maxKeyLength: limits.maxLabelNameLength,
        maxValueLength: limits.maxLabelValueLength,
        maxLineBytes: limits.maxLogLineLength,
      },
    })
  }

  check(req: IngestRequest): void {
    const problem = streamNameProblem(req.pathParam)
    if (problem !== undefined)
      throw new IngestHttpError(400, 'bad_stream', `POST /api/v1/events/{stream}: ${problem}.`)
    if (!accepted.has(req.mediaType)) {
      throw new IngestHttpError(
        415,
        'unsupported_media_type',
        `Events are NDJSON: send Content-Type application/x-ndjson, not ${JSON.stringify(req.contentType)}.`,
      )
    }
  }

  decode(body: Buffer, req: IngestRequest): DecodedRequest {
    const res = this.#decoder.decode(body, req.tenant, req.pathParam, req.receivedAtMs)
    if (!res.ok) throw new IngestHttpError(400, 'malformed', `Invalid events request: ${res.reason}.`)
    const counts = Object.entries(res.rejectReasons).filter(([, n]) => n > 0)
    return {
      batch: res.batch,
      received: res.accepted + res.rejected,
      rejects: res.rejects.map((r) => ({
        tenant: req.tenant,
        signal: 'events',
        format: 'ndjson.line',
        reason: r.reason,
        detail: `line ${r.line}`,
        records: 1,
        receivedAtMs: req.receivedAtMs,
        payload: r.payload,
      })),
      rejected: res.rejected,
      rejectMessage:
        res.rejected === 0
          ? ''
          : `${res.rejected} of ${res.accepted + res.rejected} events rejected: ${counts.map(([r, n]) => `${r} ${n}`).join(', ')}`,
    }
  }

  sendSuccess(res: ServerResponse, _req: IngestRequest | undefined, summary: IngestSummary): void {
    const errors = summary.rejectList.map((r) => ({
      line: Number(/^line (\d+)/.exec(r.detail)?.[1] ?? 0),
      reason: r.reason,
    }))
    const status = summary.accepted === 0 && summary.rejected > 0 ? 400 : 200
    const body = { accepted: summary.accepted, rejected: summary.rejected, message: summary.message, errors }
    sendBody(res, status, 'application/json', JSON.stringify(body))
  }

  sendError(res: ServerResponse, _req: IngestRequest | undefined, err: IngestHttpError): void {
    sendBody(
      res,
      err.status,
      'application/json',
      JSON.stringify({ error: err.message }),
      err.retryAfterSeconds,
    )
  }
}
