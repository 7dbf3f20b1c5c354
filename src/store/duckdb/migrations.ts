/**
 * The store's schema, as numbered migrations applied in order, each in its own transaction with
 * its row in `schema_version`. A database newer than the code is refused (never half-understood).
 *
 * Tables per job and window size (`rollups_10s`, `red_1m`, …) are created when their first rows
 * arrive (result-tables.ts) and listed in `result_tables`, so a later migration can find them.
 * Times are epoch milliseconds: BIGINT for window bounds (whole ms), DOUBLE for sample times (OTLP
 * times carry fractions of a millisecond; a double holds them to ~0.25 µs). Milliseconds are what
 * every query boundary (PromQL, the API) speaks.
 */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly statements: readonly string[]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'consumed offsets, result table catalog, raw samples, store ledger',
    statements: [
      `CREATE TABLE store_offsets (
        consumer VARCHAR NOT NULL,
        topic VARCHAR NOT NULL,
        partition INTEGER NOT NULL,
        next_offset BIGINT NOT NULL,
        PRIMARY KEY (consumer, topic, partition))`,
      `CREATE TABLE result_tables (
        name VARCHAR PRIMARY KEY,
        job VARCHAR NOT NULL,
        window_ms BIGINT NOT NULL)`,
      `CREATE TABLE samples (
        tenant VARCHAR NOT NULL,
        series VARCHAR NOT NULL,
        ts_ms DOUBLE NOT NULL,
        value DOUBLE NOT NULL,
        src_partition INTEGER NOT NULL,
        src_offset BIGINT NOT NULL)`,
      `CREATE TABLE store_ledger (
        tenant VARCHAR NOT NULL,
        signal VARCHAR NOT NULL,
        stored BIGINT NOT NULL,
        dropped BIGINT NOT NULL,
        PRIMARY KEY (tenant, signal))`,
      `CREATE TABLE store_drops (
        consumer VARCHAR NOT NULL,
        topic VARCHAR NOT NULL,
        partition INTEGER NOT NULL,
        record_offset BIGINT NOT NULL,
        reason VARCHAR NOT NULL,
        PRIMARY KEY (consumer, topic, partition, record_offset))`,
    ],
  },
]

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
