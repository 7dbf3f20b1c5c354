import { z } from 'zod'

/**
 * Configuration of the ingest listener (the `ingest:` section) and its limits. Every limit has a
 * default here and a row in docs/configuration.md saying what happens when it is hit.
 */
export const DEFAULT_INGEST_HOST = '127.0.0.1'
export const DEFAULT_INGEST_PORT = 4318

const positiveInt = z.number().int().positive()
const nonNegativeInt = z.number().int().min(0)

export const ingestLimitsSchema = z
  .object({
    maxRequestBytes: positiveInt.describe(
      'Largest request body as sent (compressed), in bytes. Larger: 413 before the body is read.',
    ),
    maxDecompressedBytes: positiveInt.describe(
      'Largest body after gzip/snappy decompression, in bytes (zip-bomb guard). Larger: 413.',
    ),
    maxLabelsPerSeries: positiveInt.describe(
      'Labels per metric series, counting __name__. A series over it is rejected (dead-lettered).',
    ),
    maxLabelNameLength: positiveInt.describe('Characters in a label or attribute name.'),
    maxLabelValueLength: positiveInt.describe('Characters in a label or attribute value.'),
    maxAttributesPerRecord: positiveInt.describe(
      'Attributes in one attribute set of a log record, span, span event or link (resource ' +
        'attributes count separately); structured-metadata pairs of a Loki entry. Over it: the ' +
        'record is dead-lettered (too_many_attributes).',
    ),
    maxLogLineLength: positiveInt.describe(
      'Length of one log body (OTLP, characters) or Loki line (bytes). Over it: dead-lettered.',
    ),
    maxSeriesPerTenant: positiveInt.describe(
      'Distinct metric series a tenant may have. Samples of new series beyond it are dead-lettered ' +
        '(reason series_limit); series already known keep flowing.',
    ),
    requestsPerSecondPerTenant: nonNegativeInt.describe(
      'Sustained requests per second per tenant (token bucket); 0 = unlimited. Over it: 429.',
    ),
    requestBurstPerTenant: positiveInt.describe('Token-bucket size: requests a tenant may send at once.'),
    maxInFlightBytes: positiveInt.describe(
      'Request bytes (compressed + decompressed) being processed at once. Over it: 503 + Retry-After.',
    ),
    maxConcurrentRequests: positiveInt.describe(
      'Requests being processed at once. Over it: 503 + Retry-After.',
    ),
    maxRssBytes: nonNegativeInt.describe(
      'Process resident memory above which new requests get 503 + Retry-After; 0 = no ceiling.',
    ),
    maxConsumerLagRecords: nonNegativeInt.describe(
      'When a consumer group lags more than this many records on an ingest topic partition, new ' +
        'requests get 429 + Retry-After; 0 = not checked.',
    ),
    maxTenants: positiveInt.describe(
      'Tenants tracked for rate, cardinality and counters. Beyond it, requests of new tenants get 429.',
    ),
  })
  .strict()

export type IngestLimits = z.infer<typeof ingestLimitsSchema>

export const ingestConfigSchema = z
  .object({
    host: z.string().min(1).describe('Address the ingest listener binds to.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .describe('TCP port of the ingest listener; 0 picks a free port.'),
    partitions: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .describe('Partitions of each ingest topic (fixed when the topic is created).'),
    retryAfterSeconds: positiveInt.describe('Retry-After sent with 429 and 503 answers.'),
    seriesCacheSize: z
      .number()
      .int()
      .min(0)
      .describe(
        'Metric series whose decoded labels each decode thread remembers (remote_write and OTLP each); ' +
          'repeat series skip label decoding. Size it above your active series; 0 disables.',
      ),
    decodeThreads: z
      .number()
      .int()
      .min(0)
      .max(64)
      .describe('Worker threads that decode and encode request bodies; 0 decodes on the main thread.'),
    limits: ingestLimitsSchema,
  })
  .strict()

export type IngestConfig = z.infer<typeof ingestConfigSchema>

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxRequestBytes: 16 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxLabelsPerSeries: 64,
  maxLabelNameLength: 256,
  maxLabelValueLength: 4096,
  maxAttributesPerRecord: 128,
  maxLogLineLength: 256 * 1024,
  maxSeriesPerTenant: 1_000_000,
  requestsPerSecondPerTenant: 5_000,
  requestBurstPerTenant: 10_000,
  maxInFlightBytes: 512 * 1024 * 1024,
  maxConcurrentRequests: 1_024,
  maxRssBytes: 0,
  maxConsumerLagRecords: 0,
  maxTenants: 10_000,
}

export function createDefaultIngestConfig(): IngestConfig {
  return {
    host: DEFAULT_INGEST_HOST,
    port: DEFAULT_INGEST_PORT,
    partitions: 4,
    retryAfterSeconds: 1,
    decodeThreads: 2,
    seriesCacheSize: 250_000,
    limits: { ...DEFAULT_INGEST_LIMITS },
  }
}
