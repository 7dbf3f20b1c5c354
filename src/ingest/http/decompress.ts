import { gunzip, inflate } from 'node:zlib'
import { IngestHttpError } from './http-error.js'

/**
 * Undoes the request's Content-Encoding: `gzip` (and `deflate`, which some shippers send), on the
 * zlib thread pool so a large body does not stall the event loop. `maxOutputLength` makes zlib stop
 * at `maxBytes`, so a zip bomb costs at most that much memory (413). `snappy` is not undone here:
 * remote_write and Loki bodies are snappy blocks by protocol and their decoders check the size.
 */
export function decompressBody(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
  allowSnappy: boolean,
): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase()
  if (enc === 'identity' || enc === '') return Promise.resolve(body)
  if (enc === 'snappy' && allowSnappy) return Promise.resolve(body)
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate') {
    return Promise.reject(
      new IngestHttpError(
        415,
        'unsupported_encoding',
        `Content-Encoding ${JSON.stringify(enc)} is not supported here; use gzip or none${allowSnappy ? ' (or snappy)' : ''}.`,
      ),
    )
  }
  const run = enc === 'deflate' ? inflate : gunzip
  return new Promise((resolve, reject) => {
    run(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (err === null) return resolve(out)
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return reject(
          new IngestHttpError(
            413,
            'decompressed_too_large',
            `The ${enc} body decompresses to more than ${maxBytes} bytes (ingest.limits.maxDecompressedBytes); send smaller batches.`,
          ),
        )
      }
      reject(
        new IngestHttpError(400, 'malformed', `The body is not valid ${enc}: ${err.message}.`, {
          cause: err,
        }),
      )
    })
  })
}
