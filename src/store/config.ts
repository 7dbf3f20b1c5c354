import { z } from 'zod'

/**
 * The `store:` section of the pipeline config (docs/store.md): whether engine results (and raw
 * telemetry) are written into the embedded DuckDB store, and where it lives.
 */
export const storeConfigSchema = z
  .object({
    enabled: z.boolean().describe('Write engine results into the embedded DuckDB store.'),
    path: z.string().min(1).nullable().describe('The database file; null: <log.dataDir>/store/vigil.duckdb.'),
    raw: z
      .object({
        metrics: z.boolean().describe('Every metric sample, into `samples`.'),
        logs: z.boolean().describe('Every log record, into `logs`.'),
        spans: z.boolean().describe('Every span, into `spans`.'),
      })
      .strict()
      .describe(
        'Raw telemetry from the ingest topics to store besides the results. Off by default until raw retention exists: stored rows are kept until deleted.',
      ),
  })
  .strict()

export type StoreConfig = z.infer<typeof storeConfigSchema>

export const STORE_FILE = 'store/vigil.duckdb'

export function createDefaultStoreConfig(): StoreConfig {
  return { enabled: true, path: null, raw: { metrics: false, logs: false, spans: false } }
}
