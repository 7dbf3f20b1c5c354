import type { DecodeResult } from './decode-result.js'
import { resolveLimits } from './limits.js'
import type { RemoteWriteLimits } from './limits.js'
import { uncompressSnappyBlock } from './snappy-block.js'
import { decodeWriteRequest } from './write-request-decoder.js'

/**
 * Decodes a Prometheus remote_write v1 request body (snappy block format around a protobuf
 * `prometheus.WriteRequest`) into one columnar MetricBatch for `tenant`. Never throws.
 *
 * The decompressed size is checked against `limits.maxDecompressedBytes` from the snappy header
 * before anything is decompressed. Series with invalid labels are rejected with a counted reason
 * and the rest of the request is accepted; a body that is not snappy or not a well-formed
 * WriteRequest fails as a whole with a reason naming the problem.
 *
 * ```ts
 * const res = decodeRemoteWrite(body, 'acme')
 * if (!res.ok) return reply(400, res.reason)
 * await log.append(res.batch) // then ack; report res.rejected / res.rejectReasons
 * ```
 */
export function decodeRemoteWrite(
  body: Uint8Array,
  tenant: string,
  limits: Partial<RemoteWriteLimits> = {},
): DecodeResult {
  const resolved = resolveLimits(limits)
  const raw = uncompressSnappyBlock(body, resolved.maxDecompressedBytes)
  if (!raw.ok) return raw
  return decodeWriteRequest(raw.bytes, tenant, resolved)
}
