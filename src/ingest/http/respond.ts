import type { ServerResponse } from 'node:http'
import type { IngestHttpError } from './http-error.js'

/** Writes a complete response; `Retry-After` when the error carries one. */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer | string,
  retryAfterSeconds?: number,
): void {
  if (res.headersSent) return
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  const headers: Record<string, string | number> = { 'content-length': bytes.length }
  if (status !== 204) headers['content-type'] = contentType
  if (retryAfterSeconds !== undefined) headers['retry-after'] = retryAfterSeconds
  res.writeHead(status, headers)
  res.end(bytes)
}

/** A plain-text error, as Prometheus and Loki receivers answer. */
export function sendTextError(res: ServerResponse, err: IngestHttpError): void {
  sendBody(res, err.status, 'text/plain; charset=utf-8', `${err.message}\n`, err.retryAfterSeconds)
}

/**
 * The answer of Prometheus-style receivers (remote_write, Loki): 204 when everything was stored;
 * 400 with a text body when some records were rejected (the rest is stored; these clients do not
 * retry a 400, and the rejects are in the dead-letter topic).
 */
export function sendStoredOrRejected(res: ServerResponse, rejected: number, message: string): void {
  if (rejected === 0) sendBody(res, 204, 'text/plain', '')
  else sendBody(res, 400, 'text/plain; charset=utf-8', `${message}\n`)
}
