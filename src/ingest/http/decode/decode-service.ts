import type { Endpoint, IngestRequest } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import { prepareForLog } from './prepare-for-log.js'
import type { ReadyRequest } from './ready-request.js'

/**
 * Turns a request body into a ReadyRequest: decode (the protocol) and encode (the log's batch
 * format), the CPU-heavy middle of a request. Two implementations: `InlineDecodeService` on the
 * calling thread, and `WorkerDecodeService` on a pool of worker threads so both cores decode
 * (`ingest.decodeThreads`). Both reject with an `IngestHttpError` for a body that is unusable as a
 * whole.
 */
export interface DecodeService {
  decode(route: string, body: Buffer, req: IngestRequest): Promise<ReadyRequest>
  close(): Promise<void>
}

export class InlineDecodeService implements DecodeService {
  readonly #endpoints: ReadonlyMap<string, Endpoint>

  constructor(endpoints: ReadonlyMap<string, Endpoint>) {
    this.#endpoints = endpoints
  }

  decode(route: string, body: Buffer, req: IngestRequest): Promise<ReadyRequest> {
    try {
      return Promise.resolve(decodeNow(this.#endpoints, route, body, req))
    } catch (err) {
      return Promise.reject(err as Error)
    }
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

export function decodeNow(
  endpoints: ReadonlyMap<string, Endpoint>,
  route: string,
  body: Buffer,
  req: IngestRequest,
): ReadyRequest {
  const endpoint = endpoints.get(route)
  if (endpoint === undefined) throw new IngestHttpError(404, 'malformed', `No ingest endpoint ${route}.`)
  return prepareForLog(endpoint.decode(body, req))
}
