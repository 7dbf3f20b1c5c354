import { snappyUncompressedLength } from '../../prometheus/index.js'
import { IngestHttpError } from '../http-error.js'

/**
 * Refuses (413) a snappy block whose header announces more than `maxBytes` decompressed, before
 * anything is decompressed: the zip-bomb guard of remote_write and Loki protobuf bodies. A header
 * that cannot be read is left to the decoder, which answers 400.
 */
export function checkSnappySize(body: Uint8Array, maxBytes: number, hint: string): void {
  const size = snappyUncompressedLength(body)
  if (size !== undefined && size > maxBytes) {
    throw new IngestHttpError(
      413,
      'decompressed_too_large',
      `The snappy body decompresses to ${size} bytes, over the limit of ${maxBytes} ` +
        `(ingest.limits.maxDecompressedBytes); ${hint}.`,
    )
  }
}
