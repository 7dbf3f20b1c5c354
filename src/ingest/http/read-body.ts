import type { IncomingMessage } from 'node:http'
import { IngestHttpError } from './http-error.js'

/**
 * Reads a request body into one Buffer, refusing more than `maxBytes` (413). A declared
 * Content-Length over the limit is refused before a byte is read; a chunked body is cut off as soon
 * as it passes the limit. Resolves with the bytes, or rejects with an `IngestHttpError`.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(req)
  if (declared > maxBytes) return Promise.reject(tooLarge(declared, maxBytes))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (err: IngestHttpError | undefined): void => {
      if (done) return
      done = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
      if (err !== undefined) {
        req.resume()
        reject(err)
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) finish(tooLarge(size, maxBytes))
      else chunks.push(chunk)
    }
    const onEnd = (): void => finish(undefined)
    const onError = (err: Error): void =>
      finish(
        new IngestHttpError(400, 'aborted', `The request body could not be read: ${err.message}.`, {
          cause: err,
        }),
      )
    const onAborted = (): void =>
      finish(new IngestHttpError(400, 'aborted', 'The client aborted the request.'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

/** The Content-Length header as a number; 0 when absent (chunked) or unparsable. */
export function declaredLength(req: IncomingMessage): number {
  const header = req.headers['content-length']
  if (header === undefined) return 0
  const n = Number(header)
  return Number.isFinite(n) && n >= 0 ? n : 0
}

function tooLarge(size: number, maxBytes: number): IngestHttpError {
  return new IngestHttpError(
    413,
    'body_too_large',
    `The request body is larger than the limit of ${maxBytes} bytes (ingest.limits.maxRequestBytes)` +
      `${size > 0 ? `: at least ${size} bytes` : ''}; send smaller batches.`,
  )
}
