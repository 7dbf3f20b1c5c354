export { RemoteWriteDecoder, decodeRemoteWrite } from './decode-remote-write.js'
export type { RemoteWriteDecoderOptions } from './decode-remote-write.js'
export type { DecodeFailure, DecodeResult, DecodeSuccess, RejectedSeries } from './decode-result.js'
export {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_LABEL_NAME_LENGTH,
  DEFAULT_MAX_LABEL_VALUE_LENGTH,
  DEFAULT_MAX_LABELS_PER_SERIES,
  DEFAULT_REMOTE_WRITE_LIMITS,
  resolveLimits,
} from './limits.js'
export type { RemoteWriteLimits } from './limits.js'
export { isRejectReason, rejectReasons } from './reject-reason.js'
export type { RejectReason } from './reject-reason.js'
export { snappyUncompressedLength, uncompressSnappyBlock } from './snappy-block.js'
export { decodeWriteRequest } from './write-request-decoder.js'
export { DEFAULT_MAX_CACHED_SERIES, SeriesCache } from './series-cache.js'
export type { CachedSeries } from './series-cache.js'
