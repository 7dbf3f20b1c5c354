import type { IncomingMessage, ServerResponse } from 'node:http'
import { QueryParamError, QueryTimeoutError } from '../sql/index.js'

/**
 * Responses and request parameters of the query API, in the shape of Prometheus' HTTP API:
 * `{"status":"success","data":…}` and `{"status":"error","errorType":…,"error":…}`. Grafana's
 * Prometheus, Loki-style and custom data sources read `error` for the message shown to the user.
 */

/** Prometheus' error types, plus `unauthorized` and `forbidden` for authentication failures. */
export const promErrorTypes = [
  'bad_data',
  'unauthorized',
  'forbidden',
  'not_found',
  'timeout',
  'canceled',
  'execution',
  'unavailable',
  'internal',
] as const
export type PromErrorType = (typeof promErrorTypes)[number]

/** The body limit of `readQueryParams` when none is given: 1 MiB. */
export const DEFAULT_QUERY_BODY_BYTES = 1024 * 1024

export interface QueryBodyLimits {
  /** The largest POST form body accepted (413 above); default `DEFAULT_QUERY_BODY_BYTES`. */
  readonly maxBodyBytes?: number
}

/** A query request refused before it was parsed: unreadable, too large (413) or not a form (415). */
export class QueryRequestError extends Error {
  readonly status: 400 | 413 | 415
  readonly errorType: PromErrorType = 'bad_data'

  constructor(status: 400 | 413 | 415, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'QueryRequestError'
    this.status = status
  }
}

/** Writes `{"status":"success","data":<dataJsonText>}`; the data is already serialised JSON. */
export function sendPromSuccess(res: ServerResponse, dataJsonText: string): void {
  send(res, 200, `{"status":"success","data":${dataJsonText}}`)
}

/** Writes `{"status":"error","errorType":…,"error":…}` with `status`. Nothing when a response was started. */
export function sendPromError(
  res: ServerResponse,
  status: number,
  errorType: PromErrorType,
  message: string,
): void {
  send(res, status, JSON.stringify({ status: 'error', errorType, error: message }))
}

/** How an expected query failure is answered. */
export interface PromError {
  readonly status: number
  readonly errorType: PromErrorType
  readonly message: string
}

/**
 * The answer to the failures a query route expects: QueryRequestError (its status), QueryParamError
 * (400 bad_data), QueryTimeoutError (503 timeout). Undefined for anything else (a 500 to log).
 */
export function promErrorOf(err: unknown): PromError | undefined {
  if (err instanceof QueryRequestError)
    return { status: err.status, errorType: err.errorType, message: err.message }
  if (err instanceof QueryParamError) return { status: 400, errorType: 'bad_data', message: err.message }
  if (err instanceof QueryTimeoutError) return { status: 503, errorType: 'timeout', message: err.message }
  return undefined
}

/**
 * The parameters of a query request: for POST, the `application/x-www-form-urlencoded` body (as
 * Grafana sends /api/v1/query, /query_range, /series and /labels) followed by the URL's query string,
 * the order of Go's `r.Form`; for other methods, the query string alone (a body is not read).
 * Rejects with QueryRequestError: 413 for a body over `limits.maxBodyBytes` (default 1 MiB), 415
 * for another content type or a content encoding, 400 when the body cannot be read. A POST without
 * Content-Type is accepted when its body is empty.
 */
export async function readQueryParams(
  req: IncomingMessage,
  limits: QueryBodyLimits = {},
): Promise<URLSearchParams> {
  const raw = req.url ?? '/'
  const queryAt = raw.indexOf('?')
  const query = queryAt === -1 ? '' : raw.slice(queryAt + 1)
  if (req.method !== 'POST') return new URLSearchParams(query)
  const mediaType = mediaTypeOf(req.headers['content-type'])
  if (mediaType !== '' && mediaType !== FORM) throw unsupported(`Content-Type ${mediaType}`)
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase()
  if (encoding !== '' && encoding !== 'identity') throw unsupported(`Content-Encoding ${encoding}`)
  const body = await readBody(req, limits.maxBodyBytes ?? DEFAULT_QUERY_BODY_BYTES)
  if (mediaType === '' && body.length > 0) throw unsupported('a body without Content-Type')
  const params = new URLSearchParams(body.toString('utf8'))
  for (const [name, value] of new URLSearchParams(query)) params.append(name, value)
  return params
}

const FORM = 'application/x-www-form-urlencoded'

function send(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

function unsupported(what: string): QueryRequestError {
  return new QueryRequestError(
    415,
    `${what} is not supported: send parameters in the URL, or POST them as ${FORM} (not compressed).`,
  )
}

function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

function tooLarge(maxBytes: number, size: number): QueryRequestError {
  return new QueryRequestError(
    413,
    `The request body (at least ${size} bytes) is larger than the query limit of ${maxBytes} bytes; ` +
      'send fewer or shorter parameters.',
  )
}

/**
 * The whole body, refused (QueryRequestError 413) as soon as it is known to pass `maxBytes`; 400
 * when it cannot be read. Checks nothing else (the caller checks the content type).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes, declared))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (err: QueryRequestError | undefined): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
      if (err === undefined) resolve(Buffer.concat(chunks, size))
      else {
        req.resume()
        reject(err)
      }
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) finish(tooLarge(maxBytes, size))
      else chunks.push(chunk)
    }
    const onEnd = (): void => finish(undefined)
    const onError = (err: Error): void =>
      finish(
        new QueryRequestError(400, `The request body could not be read: ${err.message}.`, { cause: err }),
      )
    const onAborted = (): void => finish(new QueryRequestError(400, 'The client aborted the request.'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}
