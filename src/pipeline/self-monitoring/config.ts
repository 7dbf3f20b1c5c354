import { z } from 'zod'
import { TENANT_PATTERN } from '../../auth/index.js'
import { durationMs } from '../../engine/config/index.js'

/** Named defaults (docs/self-monitoring.md); `createDefaultSelfMonitoringConfig` uses them. */
export const DEFAULT_SELF_INTERVAL_MS = 10_000
/**
 * The tenant the pipeline's own metrics are written under. A valid tenant id (auth/config.ts:
 * 1–64 of `A-Z a-z 0-9 _ . -`), so PromQL can query it like any other tenant.
 */
export const DEFAULT_SELF_TENANT = 'vigil-self'
export const DEFAULT_SELF_MAX_SERIES = 5_000
/** The `job` label of every self series, and the service its batches are partitioned by. */
export const SELF_JOB = 'vigil'

const MIN_INTERVAL_MS = 1_000
const MAX_SERIES_LIMIT = 1_000_000

/**
 * The `selfMonitoring:` section: the pipeline scrapes its own Prometheus registry every `interval`
 * and ingests the samples under `tenant`, through the same log → engine → store path as user data.
 */
export const selfMonitoringConfigSchema = z
  .object({
    enabled: z.boolean().describe('Ingest the pipeline’s own metrics under the self tenant.'),
    interval: durationMs(MIN_INTERVAL_MS).describe(
      'Time between two scrapes of the process’s own metrics (at least 1s).',
    ),
    tenant: z
      .string()
      .regex(TENANT_PATTERN, 'a tenant id is 1–64 of A-Z a-z 0-9 _ . -')
      .describe('Tenant the self metrics are written under (query them with this X-Scope-OrgID / key).'),
    maxSeries: z
      .number()
      .int()
      .min(1)
      .max(MAX_SERIES_LIMIT)
      .describe('Most self series per scrape; the rest are dropped and counted.'),
    instance: z
      .string()
      .min(1)
      .nullable()
      .describe('The `instance` label of every self series; null: the host name.'),
  })
  .strict()

export type SelfMonitoringConfig = z.infer<typeof selfMonitoringConfigSchema>

export function createDefaultSelfMonitoringConfig(): SelfMonitoringConfig {
  return {
    enabled: true,
    interval: DEFAULT_SELF_INTERVAL_MS,
    tenant: DEFAULT_SELF_TENANT,
    maxSeries: DEFAULT_SELF_MAX_SERIES,
    instance: null,
  }
}

/**
 * Puts `input` over the defaults (key by key) and validates it. Pure. Throws a `ZodError` listing
 * every problem. The all-in-one config does the same merge for its `selfMonitoring:` section.
 */
export function parseSelfMonitoringConfig(input: unknown = {}): SelfMonitoringConfig {
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input)
  return selfMonitoringConfigSchema.parse(
    isObject ? { ...createDefaultSelfMonitoringConfig(), ...input } : input,
  )
}
