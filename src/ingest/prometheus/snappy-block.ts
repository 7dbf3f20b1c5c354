import snappy from 'snappy'
import { formatBytes } from './limits.js'

/**
 * Snappy block format (not the framed format) as Prometheus remote_write uses it. The block starts
 * with the decompressed length as a varint, so the size limit is checked before any work is done
 * (zip-bomb safety); the `snappy` package has no call for that, hence `snappyUncompressedLength`.
 *
 * `copyOutputData: true` is deliberate: without it the native binding hands back an external
 * buffer, which measured about 10x slower end to end on this machine (DESIGN.md §8).
 */
export type UncompressResult =
  { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string }

/** The decompressed length announced by a snappy block header, or undefined if it is malformed. */
export function snappyUncompressedLength(body: Uint8Array): number | undefined {
  let result = 0
  let scale = 1
  for (let i = 0; i < 5 && i < body.length; i++) {
    const b = body[i]!
    result += (b & 0x7f) * scale
    if (b < 0x80) return result <= 0xffff_ffff ? result : undefined
    scale *= 128
  }
  return undefined
}

/** Decompresses a snappy block, refusing more than `maxBytes` of output. Never throws. */
export function uncompressSnappyBlock(body: Uint8Array, maxBytes: number): UncompressResult {
  if (body.length === 0) return { ok: false, reason: 'snappy: corrupt input (empty body)' }
  const size = snappyUncompressedLength(body)
  if (size === undefined) return { ok: false, reason: 'snappy: corrupt input (bad length header)' }
  if (size > maxBytes) {
    return {
      ok: false,
      reason: `decompressed size ${formatBytes(size)} exceeds the ${formatBytes(maxBytes)} limit`,
    }
  }
  let out: Uint8Array
  try {
    out = snappy.uncompressSync(body, { asBuffer: true, copyOutputData: true }) as Uint8Array
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: message.startsWith('snappy:') ? message : `snappy: ${message}` }
  }
  if (out.length !== size) {
    return { ok: false, reason: `snappy: corrupt input (${out.length} bytes decoded, header said ${size})` }
  }
  return { ok: true, bytes: out }
}
