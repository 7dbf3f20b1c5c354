/**
 * Limits applied while decoding a Loki push request. Every limit has a named default; callers pass
 * a partial object and `resolveLimits` fills in the rest. Lengths are UTF-8 bytes.
 */
export interface LokiLimits {
  /** A stream with more labels is rejected, all its entries with `too_many_labels`. */
  readonly maxLabelsPerStream: number
  /** Longest label or structured metadata name. */
  readonly maxLabelNameLength: number
  /** Longest label or structured metadata value. */
  readonly maxLabelValueLength: number
  /** Longest log line; a longer entry is rejected with `line_too_long`. */
  readonly maxLineBytes: number
  /** Most structured metadata pairs on one entry. */
  readonly maxStructuredMetadataPairs: number
}

export const DEFAULT_MAX_LABELS_PER_STREAM = 32
export const DEFAULT_MAX_LABEL_NAME_LENGTH = 256
export const DEFAULT_MAX_LABEL_VALUE_LENGTH = 4096
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024
export const DEFAULT_MAX_STRUCTURED_METADATA_PAIRS = 32

export const DEFAULT_LOKI_LIMITS: LokiLimits = {
  maxLabelsPerStream: DEFAULT_MAX_LABELS_PER_STREAM,
  maxLabelNameLength: DEFAULT_MAX_LABEL_NAME_LENGTH,
  maxLabelValueLength: DEFAULT_MAX_LABEL_VALUE_LENGTH,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxStructuredMetadataPairs: DEFAULT_MAX_STRUCTURED_METADATA_PAIRS,
}

/** The defaults, overridden by whatever `partial` sets. */
export function resolveLimits(partial: Partial<LokiLimits> = {}): LokiLimits {
  return { ...DEFAULT_LOKI_LIMITS, ...partial }
}
