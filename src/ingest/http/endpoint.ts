import type { ServerResponse } from 'node:http'
import type { EventBatch, LogBatch, MetricBatch, SpanBatch } from '../../core/batch/index.js'
import type { DeadLetterRecord } from '../dead-letter/dead-letter-record.js'
import type { Signal } from '../ledger/ingest-ledger.js'
import type { IngestHttpError } from './http-error.js'

/** What a request is, once authenticated: who sent it, when, and what it says it carries. */
export interface IngestRequest {
  readonly tenant: string
  readonly receivedAtMs: number
  /** The media type, lower-cased, without parameters (`application/x-protobuf`). */
  readonly mediaType: string
  /** The raw Content-Type header ('' when absent). */
  readonly contentType: string
  /** The path after the endpoint's prefix (the stream of `/api/v1/events/{stream}`), else ''. */
  readonly pathParam: string
}

export type IngestBatch = MetricBatch | LogBatch | SpanBatch | EventBatch

/** A request body decoded: its batch and what inside it was rejected (already dead-letter records). */
export interface DecodedRequest {
  readonly batch: IngestBatch
  /** Ledger records the request held: accepted into `batch` plus rejected. */
  readonly received: number
  /** Rejected records, each with its reason and original bytes; `records` sum to `rejected`. */
  readonly rejects: readonly DeadLetterRecord[]
  readonly rejected: number
  /** A one-line summary of the rejects ('' when none), for partial-success answers. */
  readonly rejectMessage: string
}

/** What the request finally did, for the answer. */
export interface IngestSummary {
  readonly received: number
  readonly accepted: number
  /** Rejected by the decoder or a limit (dead-lettered, or dropped if even that failed). */
  readonly rejected: number
  readonly message: string
  /** The first rejects (at most 20): reason and detail, for answers that list them. */
  readonly rejectList: readonly { readonly reason: string; readonly detail: string }[]
}

/**
 * One ingest protocol endpoint: how to check, decode and answer its requests. The server owns the
 * flow around it (auth, limits, body, decompression, log appends, ledger); an endpoint is pure
 * protocol knowledge, so adding a protocol is one file here.
 */
export interface Endpoint {
  /** Label for counters and logs: `otlp_metrics`, `remote_write`, `loki`, `events`, … */
  readonly protocol: string
  readonly signal: Signal
  /** Whether `Content-Encoding: snappy` is part of the protocol (passed through to the decoder). */
  readonly allowSnappy: boolean
  /** Checks headers before the body is read; throws IngestHttpError (415, 400). */
  check(req: IngestRequest, contentEncoding: string): void
  /** Decodes a (decompressed) body; throws IngestHttpError (400, 413) when it is unusable as a whole. */
  decode(body: Buffer, req: IngestRequest): DecodedRequest
  /** Writes the 2xx (or partial-rejection) answer. */
  sendSuccess(res: ServerResponse, req: IngestRequest | undefined, summary: IngestSummary): void
  /** Writes an error answer in the protocol's format. */
  sendError(res: ServerResponse, req: IngestRequest | undefined, err: IngestHttpError): void
}
