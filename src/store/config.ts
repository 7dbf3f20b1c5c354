import { z } from 'zod'

/**
 * The `store:` section of the pipeline config (docs/store.md): whether engine results (and raw
 * samples) are written into the embedded DuckDB store, and where it lives.
 */
export const storeConfigSchema = z
  .object({
    enabled: z.boolean().describe('Write engine results into the embedded DuckDB store.'),
    path: z.string().min(1).nullable().describe('The database file; null: <log.dataDir>/store/vigil.duckdb.'),
    rawSamples: z
      .boolean()
      .describe(
        'Also store every raw metric sample from the ingest topic. Off by default until raw-sample retention exists: stored samples are kept until deleted.',
      ),
  })
  .strict()

export type StoreConfig = z.infer<typeof storeConfigSchema>

export const STORE_FILE = 'store/vigil.duckdb'

export function createDefaultStoreConfig(): StoreConfig {
  return { enabled: true, path: null, rawSamples: false }
}
