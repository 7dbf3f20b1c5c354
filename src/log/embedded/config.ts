import { z } from 'zod'

/**
 * Configuration of the embedded log (the `log:` section with `kind: embedded`). Defaults are data:
 * `createDefaultEmbeddedLogConfig()` returns a complete, valid object built from these constants.
 */
export const fsyncPolicies = ['always', 'interval', 'none'] as const
export type FsyncPolicy = (typeof fsyncPolicies)[number]

export const DEFAULT_FSYNC_POLICY: FsyncPolicy = 'interval'
export const DEFAULT_FSYNC_INTERVAL_MS = 5
export const DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024
export const DEFAULT_SEGMENT_MS = 7 * 24 * 3600 * 1000
export const DEFAULT_INDEX_INTERVAL_BYTES = 4096
export const DEFAULT_MAINTENANCE_INTERVAL_MS = 60_000
export const DEFAULT_MAX_BATCH_BYTES = 64 * 1024 * 1024
export const DEFAULT_MAX_PRODUCERS_PER_PARTITION = 10_000
export const DEFAULT_PRODUCER_IDLE_EXPIRY_MS = 7 * 24 * 3600 * 1000
export const DEFAULT_MAX_OPEN_SEGMENT_FILES = 512

export const embeddedLogConfigSchema = z
  .object({
    dataDir: z.string().min(1).describe('Directory holding topics, segments and internal state.'),
    fsync: z
      .enum(fsyncPolicies)
      .describe(
        'When data appends are acknowledged, and so what a power loss can take back. always: after ' +
          'an fsync covering them (concurrent appends share one); loses nothing. interval: after the ' +
          'write, with an fsync started at most fsyncIntervalMs later; a power loss can lose about ' +
          'the last fsyncIntervalMs + one fsync of acknowledged appends. none: after the write, fsync ' +
          'left to the OS; a power loss can lose what the OS had not written back (typically up to ' +
          '30 s). No policy loses acknowledged data on a process crash (kill -9). Transaction ' +
          'decisions, offset commits and producer ids are fsynced before they are answered, except ' +
          'with none.',
      ),
    fsyncIntervalMs: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .describe('With fsync=interval: the most time between two fsync cycles (start to start).'),
    segmentBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .describe('A partition rolls to a new segment file past this size.'),
    segmentMs: z.number().int().min(1).describe('A partition rolls to a new segment after this age.'),
    indexIntervalBytes: z
      .number()
      .int()
      .min(64)
      .describe('Bytes of batches between two entries of the sparse offset and time index.'),
    maintenanceIntervalMs: z
      .number()
      .int()
      .min(0)
      .describe('How often retention and compaction run; 0 disables the timer (run on demand).'),
    maxBatchBytes: z
      .number()
      .int()
      .min(1024)
      .max(DEFAULT_MAX_BATCH_BYTES * 4)
      .describe('Largest encoded batch accepted by one append; larger appends are rejected.'),
    maxProducersPerPartition: z
      .number()
      .int()
      .min(1)
      .describe('Idempotence state kept per partition; the least recently used producer is evicted.'),
    maxOpenSegmentFiles: z
      .number()
      .int()
      .min(8)
      .max(100_000)
      .describe(
        'File descriptors kept open for sealed segments (active segments are always open); the ' +
          'least recently read is closed past this and reopened on demand.',
      ),
    producerIdleExpiryMs: z
      .number()
      .int()
      .min(1)
      .describe('Idempotence state of a producer idle this long is dropped at the next segment roll.'),
  })
  .strict()

export type EmbeddedLogConfig = z.infer<typeof embeddedLogConfigSchema>

export function createDefaultEmbeddedLogConfig(dataDir: string): EmbeddedLogConfig {
  return {
    dataDir,
    fsync: DEFAULT_FSYNC_POLICY,
    fsyncIntervalMs: DEFAULT_FSYNC_INTERVAL_MS,
    segmentBytes: DEFAULT_SEGMENT_BYTES,
    segmentMs: DEFAULT_SEGMENT_MS,
    indexIntervalBytes: DEFAULT_INDEX_INTERVAL_BYTES,
    maintenanceIntervalMs: DEFAULT_MAINTENANCE_INTERVAL_MS,
    maxBatchBytes: DEFAULT_MAX_BATCH_BYTES,
    maxProducersPerPartition: DEFAULT_MAX_PRODUCERS_PER_PARTITION,
    producerIdleExpiryMs: DEFAULT_PRODUCER_IDLE_EXPIRY_MS,
    maxOpenSegmentFiles: DEFAULT_MAX_OPEN_SEGMENT_FILES,
  }
}

/** Applies user settings over the defaults and validates; throws a ZodError listing every problem. */
export function parseEmbeddedLogConfig(
  input: { dataDir: string } & Record<string, unknown>,
): EmbeddedLogConfig {
  return embeddedLogConfigSchema.parse({ ...createDefaultEmbeddedLogConfig(input.dataDir), ...input })
}
