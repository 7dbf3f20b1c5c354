import { z } from 'zod'
import { alertingConfigSchema, createDefaultAlertingConfig } from '../alert/index.js'
import { apiConfigSchema, createDefaultApiConfig } from '../api/index.js'
import { authConfigSchema, createDefaultAuthConfig } from '../auth/index.js'
import {
  createDefaultEngineConfig,
  createDefaultJobsConfig,
  engineConfigSchema,
  jobsConfigSchema,
} from '../engine/config/index.js'
import { createDefaultIngestConfig, ingestConfigSchema } from '../ingest/http/index.js'
import { createDefaultEmbeddedLogConfig, embeddedLogConfigSchema } from '../log/embedded/index.js'
import { createDefaultNotifyConfig, notifyConfigSchema } from '../notify/index.js'
import { createDefaultQueryConfig, queryConfigSchema } from '../query/config.js'
import { createDefaultStoreConfig, storeConfigSchema } from '../store/index.js'
import { createDefaultSelfMonitoringConfig, selfMonitoringConfigSchema } from './self-monitoring/index.js'

/**
 * Configuration of the all-in-one process (`vigil start`): the embedded log, the ingest listener,
 * the engine, the store and the API listener. Sections are named as in the config file (`api:`,
 * `ingest:`, `auth:`, `log:`, `engine:`, `jobs:`, `store:`, `query:`, `alerting:`, `notify:`, `selfMonitoring:`),
 * so defaults, a config file (`--config`) and CLI flags meet in one object (in that order of
 * precedence, lowest first) and are validated once, here.
 */
export const DEFAULT_DATA_DIR = './vigil-data'

export const allInOneConfigSchema = z
  .object({
    api: apiConfigSchema.describe('The HTTP API listener (/healthz, /readyz, /metrics, /api/v1/…).'),
    ingest: ingestConfigSchema.describe('The ingest listener (OTLP/HTTP, remote_write, Loki push, events).'),
    auth: authConfigSchema.describe('API keys and tenancy.'),
    log: embeddedLogConfigSchema.describe('The embedded durable log.'),
    engine: engineConfigSchema.describe('The stream engine: checkpoints, watermarks, lateness, tasks.'),
    jobs: jobsConfigSchema.describe('Built-in jobs: metric rollups, RED metrics from spans, log counts.'),
    store: storeConfigSchema.describe('The embedded DuckDB store of results (and raw samples).'),
    query: queryConfigSchema.describe('Limits of the query API (PromQL, logs, traces).'),
    alerting: alertingConfigSchema.describe('Alert rules (anomaly and Prometheus), grouping, inhibition.'),
    notify: notifyConfigSchema.describe('Where notifications go: webhooks and Alertmanagers.'),
    selfMonitoring: selfMonitoringConfigSchema.describe(
      'The pipeline’s own metrics, ingested under a self tenant (docs/self-monitoring.md).',
    ),
  })
  .strict()

export type AllInOneConfig = z.infer<typeof allInOneConfigSchema>

/** Partial user input: each section may be partial; values are checked by `parseAllInOneConfig`. */
export type AllInOneConfigInput = Readonly<Record<string, unknown>>

export function createDefaultAllInOneConfig(): AllInOneConfig {
  return {
    api: createDefaultApiConfig(),
    ingest: createDefaultIngestConfig(),
    auth: createDefaultAuthConfig(),
    log: createDefaultEmbeddedLogConfig(DEFAULT_DATA_DIR),
    engine: createDefaultEngineConfig(),
    jobs: createDefaultJobsConfig(),
    store: createDefaultStoreConfig(),
    query: createDefaultQueryConfig(),
    alerting: createDefaultAlertingConfig(),
    notify: createDefaultNotifyConfig(),
    selfMonitoring: createDefaultSelfMonitoringConfig(),
  }
}

/**
 * Puts each of `inputs` over the defaults in turn (later wins; plain objects merge key by key at
 * every depth, arrays and scalars replace) and validates the result. Pure: no file or network
 * access. Throws a `ZodError` listing every problem, with paths such as `['api', 'port']`.
 */
export function parseAllInOneConfig(...inputs: AllInOneConfigInput[]): AllInOneConfig {
  let merged: unknown = createDefaultAllInOneConfig()
  for (const input of inputs) merged = deepMerge(merged, input)
  return allInOneConfigSchema.parse(merged)
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value)
  return out
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
