import { z } from 'zod'
import { durationMs } from '../engine/config/index.js'
import type { RetentionPolicy } from './retention/retention.js'

const HOUR = 3_600_000
const retentionTables = z
  .record(z.string().regex(/^[a-z0-9_]+$/, 'a table name'), durationMs(HOUR))
  .describe(
    'Per table (`samples`, `logs`, `spans`, `anomalies`, `alert_history`, `rollups_10s`, …), overriding the default.',
  )

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
      .describe('Raw telemetry from the ingest topics to store besides the results.'),
    retention: z
      .object({
        default: durationMs(HOUR).describe('How long rows are kept, by the age of their time column.'),
        tables: retentionTables,
        tenants: z
          .record(
            z.string(),
            z.object({ default: durationMs(HOUR).optional(), tables: retentionTables.optional() }).strict(),
          )
          .describe('Per tenant: its own default and per-table periods, overriding the ones above.'),
        interval: durationMs(60_000).describe('How often expired days are deleted.'),
      })
      .strict()
      .describe('Retention by age, per table and tenant, in whole UTC days.'),
    archive: z
      .object({
        enabled: z.boolean().describe('Export expired days to Parquet before deleting them.'),
        dir: z.string().min(1).nullable().describe('Where; null: <log.dataDir>/archive.'),
        restoreHold: durationMs(HOUR).describe(
          'How long a day brought back by `vigil archive restore` stays before retention archives it again.',
        ),
      })
      .strict()
      .describe('Parquet archival of expired days (<dir>/<tenant>/<table>/<YYYY-MM-DD>.<part>.parquet).'),
  })
  .strict()

export type StoreConfig = z.infer<typeof storeConfigSchema>

export const STORE_FILE = 'store/vigil.duckdb'

export function createDefaultStoreConfig(): StoreConfig {
  return {
    enabled: true,
    path: null,
    raw: { metrics: true, logs: true, spans: true },
    retention: {
      default: 30 * 24 * HOUR,
      tables: {
        samples: 15 * 24 * HOUR,
        logs: 7 * 24 * HOUR,
        spans: 7 * 24 * HOUR,
        rollups_10s: 7 * 24 * HOUR,
        anomalies: 30 * 24 * HOUR,
        alert_history: 90 * 24 * HOUR,
      },
      tenants: {},
      interval: HOUR,
    },
    archive: { enabled: false, dir: null, restoreHold: 24 * HOUR },
  }
}

/** The retention section as the retention job's policy. */
export function retentionPolicy(config: StoreConfig): RetentionPolicy {
  const tenants: Record<string, { defaultMs?: number; tables?: Record<string, number> }> = {}
  for (const [tenant, t] of Object.entries(config.retention.tenants)) {
    tenants[tenant] = {
      ...(t.default === undefined ? {} : { defaultMs: t.default }),
      ...(t.tables === undefined ? {} : { tables: t.tables }),
    }
  }
  return { defaultMs: config.retention.default, tables: config.retention.tables, tenants }
}

export const ARCHIVE_DIR = 'archive'
