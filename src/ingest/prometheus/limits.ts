/**
 * Limits applied while decoding a remote_write request. Every limit has a named default; callers
 * pass a partial object and `resolveLimits` fills in the rest.
 */
export interface RemoteWriteLimits {
  /** Refuse a body whose snappy header announces more decompressed bytes than this. */
  readonly maxDecompressedBytes: number
  /** A series with more labels (including `__name__`) is rejected. */
  readonly maxLabelsPerSeries: number
  /** Longest label name in UTF-8 bytes. */
  readonly maxLabelNameLength: number
  /** Longest label value in UTF-8 bytes. */
  readonly maxLabelValueLength: number
}

export const MIB = 1024 * 1024
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * MIB
export const DEFAULT_MAX_LABELS_PER_SERIES = 64
export const DEFAULT_MAX_LABEL_NAME_LENGTH = 256
export const DEFAULT_MAX_LABEL_VALUE_LENGTH = 4096

export const DEFAULT_REMOTE_WRITE_LIMITS: RemoteWriteLimits = {
  maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
  maxLabelsPerSeries: DEFAULT_MAX_LABELS_PER_SERIES,
  maxLabelNameLength: DEFAULT_MAX_LABEL_NAME_LENGTH,
  maxLabelValueLength: DEFAULT_MAX_LABEL_VALUE_LENGTH,
}

/** The defaults, overridden by whatever `partial` sets. */
export function resolveLimits(partial: Partial<RemoteWriteLimits> = {}): RemoteWriteLimits {
  return { ...DEFAULT_REMOTE_WRITE_LIMITS, ...partial }
}

/** Formats a byte count the way limit messages quote it: "80 MiB", "512 KiB", "37 bytes". */
export function formatBytes(n: number): string {
  if (n >= MIB && n % MIB === 0) return `${n / MIB} MiB`
  if (n >= MIB) return `${(n / MIB).toFixed(1)} MiB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`
  return `${n} bytes`
}
