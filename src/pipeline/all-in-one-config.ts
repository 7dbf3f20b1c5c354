import { z } from 'zod'
import { apiConfigSchema, createDefaultApiConfig } from '../api/index.js'
import { createDefaultEmbeddedLogConfig, embeddedLogConfigSchema } from '../log/embedded/index.js'

/**
 * Configuration of the all-in-one process (`vigil start`): one embedded log and the API listener.
 * Sections are named as in the future pipeline config file (`api:`, `log:`), so CLI flags, a config
 * file and defaults all meet in one object and are validated once, here.
 */
export const DEFAULT_DATA_DIR = './vigil-data'

export const allInOneConfigSchema = z
  .object({
    api: apiConfigSchema.describe('The HTTP API listener (/healthz, /readyz, /metrics).'),
    log: embeddedLogConfigSchema.describe('The embedded durable log.'),
  })
  .strict()

export type AllInOneConfig = z.infer<typeof allInOneConfigSchema>

/** Partial user input: each section may be partial; values are checked by `parseAllInOneConfig`. */
export type AllInOneConfigInput = Readonly<Record<string, unknown>>

export function createDefaultAllInOneConfig(): AllInOneConfig {
  return { api: createDefaultApiConfig(), log: createDefaultEmbeddedLogConfig(DEFAULT_DATA_DIR) }
}

/**
 * Puts `input` over the defaults, section by section, and validates the result. Pure: no file or
 * network access. Throws a `ZodError` listing every problem, with paths such as `['api', 'port']`.
 */
export function parseAllInOneConfig(input: AllInOneConfigInput): AllInOneConfig {
  const merged: Record<string, unknown> = { ...createDefaultAllInOneConfig() }
  for (const [section, value] of Object.entries(input)) {
    const base = merged[section]
    merged[section] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value
  }
  return allInOneConfigSchema.parse(merged)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
