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
  {
    version: 2,
    description: 'logs and spans',
    statements: [
      // time_ms: the record's event time, or its observed time when it had none (OTLP allows both).
      `CREATE TABLE logs (
        tenant VARCHAR NOT NULL,
        time_ms BIGINT NOT NULL,
        time_nanos INTEGER NOT NULL,
        observed_time_ms BIGINT NOT NULL,
        service VARCHAR NOT NULL,
        severity_number INTEGER NOT NULL,
        severity_text VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        attributes MAP(VARCHAR, VARCHAR) NOT NULL,
        resource MAP(VARCHAR, VARCHAR) NOT NULL,
        scope VARCHAR NOT NULL,
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        flags INTEGER NOT NULL,
        template_id BIGINT,
        src_partition INTEGER NOT NULL,
        src_offset BIGINT NOT NULL,
        row_index INTEGER NOT NULL)`,
      `CREATE TABLE spans (
        tenant VARCHAR NOT NULL,
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        parent_span_id VARCHAR NOT NULL,
        trace_state VARCHAR NOT NULL,
        service VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        start_ms BIGINT NOT NULL,
        start_nanos INTEGER NOT NULL,
        end_ms BIGINT NOT NULL,
        end_nanos INTEGER NOT NULL,
        duration_ns BIGINT NOT NULL,
        status_code VARCHAR NOT NULL,
        status_message VARCHAR NOT NULL,
        attributes MAP(VARCHAR, VARCHAR) NOT NULL,
        resource MAP(VARCHAR, VARCHAR) NOT NULL,
        scope VARCHAR NOT NULL,
        events STRUCT(name VARCHAR, time_ms BIGINT, time_nanos INTEGER, attributes MAP(VARCHAR, VARCHAR))[] NOT NULL,
        links STRUCT(trace_id VARCHAR, span_id VARCHAR, trace_state VARCHAR, attributes MAP(VARCHAR, VARCHAR))[] NOT NULL,
        flags INTEGER NOT NULL,
        src_partition INTEGER NOT NULL,
        src_offset BIGINT NOT NULL,
        row_index INTEGER NOT NULL)`,
    ],
  },
  {
    version: 3,
    description: 'archive catalog',
    statements: [
      // One row per Parquet file of an archived day (a day archived again, after late rows, gets
      // another part); `day` counts UTC days since 1970-01-01.
      `CREATE TABLE archive_parts (
        tenant VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL,
        day INTEGER NOT NULL,
        part INTEGER NOT NULL,
        path VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        archived_at_ms BIGINT NOT NULL,
        PRIMARY KEY (tenant, table_name, day, part))`,
      `CREATE TABLE archive_restores (
        tenant VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL,
        day INTEGER NOT NULL,
        restored_at_ms BIGINT NOT NULL,
        PRIMARY KEY (tenant, table_name, day))`,
    ],
  },
  {
    version: 4,
    description: 'series dictionary: samples carry a series id; NULL value is a staleness marker',
    statements: [
      // One row per (tenant, label set), written in the transaction of the samples that first use
      // it and never deleted (ids stay valid for archived days). `labels` is the label set's key:
      // names and values alternating, sorted by name, joined by U+0000 (core/batch labelsKey).
      `CREATE TABLE series (
        tenant VARCHAR NOT NULL,
        series_id INTEGER NOT NULL,
        labels VARCHAR NOT NULL)`,
      `INSERT INTO series
        SELECT tenant, CAST(row_number() OVER (ORDER BY tenant, series) - 1 AS INTEGER), series
        FROM (SELECT DISTINCT tenant, series FROM samples)`,
      // A staleness marker (Prometheus' special NaN) is stored as a NULL value: DuckDB does not
      // keep NaN payload bits, and NULL says "no value" plainly to SQL readers.
      `CREATE TABLE samples_v4 (
        tenant VARCHAR NOT NULL,
        series_id INTEGER NOT NULL,
        ts_ms DOUBLE NOT NULL,
        value DOUBLE,
        src_partition INTEGER NOT NULL,
        src_offset BIGINT NOT NULL)`,
      `INSERT INTO samples_v4
        SELECT s.tenant, d.series_id, s.ts_ms, s.value, s.src_partition, s.src_offset
        FROM samples s JOIN series d ON d.tenant = s.tenant AND d.labels = s.series`,
      'DROP TABLE samples',
      'ALTER TABLE samples_v4 RENAME TO samples',
    ],
  },
  {
    version: 5,
    description: 'anomalies',
    statements: [
      // One row per scored point the detect stage emitted (core/batch AnomalyRow). `time_ms` is the
      // scored window's end (event time), the column retention and queries use; `detected_at_ms` is
      // when it was scored (processing time). No index, like the other tables: rows arrive roughly
      // in time order, so DuckDB's per-row-group min/max of time_ms prunes time ranges.
      `CREATE TABLE anomalies (
        tenant VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        feature VARCHAR NOT NULL,
        window_ms BIGINT NOT NULL,
        time_ms BIGINT NOT NULL,
        value DOUBLE NOT NULL,
        score DOUBLE NOT NULL,
        alert BOOLEAN NOT NULL,
        novelty DOUBLE NOT NULL,
        level_z DOUBLE NOT NULL,
        seasonal_z DOUBLE NOT NULL,
        change_point BOOLEAN NOT NULL,
        detected_at_ms BIGINT NOT NULL,
        src_partition INTEGER NOT NULL,
        src_offset BIGINT NOT NULL,
        row_index INTEGER NOT NULL)`,
    ],
  },
  {
    version: 6,
    description: 'alert history',
    statements: [
      // One row per state change of an alert (src/alert AlertStateChange), identified by (tenant,
      // fingerprint, to_state, at_ms): the writer skips a change already stored (a restarted process
      // reports recent changes again). `at_ms` is the change's time (event time for anomaly rules,
      // processing time for Prometheus rules), the column retention and queries use. No index, like
      // the other tables: see tables/alert-history.ts.
      `CREATE TABLE alert_history (
        tenant VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        rule_name VARCHAR NOT NULL,
        rule_kind VARCHAR NOT NULL,
        from_state VARCHAR NOT NULL,
        to_state VARCHAR NOT NULL,
        at_ms BIGINT NOT NULL,
        value DOUBLE NOT NULL,
        labels MAP(VARCHAR, VARCHAR) NOT NULL,
        annotations MAP(VARCHAR, VARCHAR) NOT NULL)`,
    ],
  },
  {
    version: 7,
    description: 'silences',
    statements: [
      // The alerting service's silences (src/alert Silence), one row per (tenant, id), replaced on
      // each change, so they survive a restart; matchers as JSON text. A handful of rows per tenant.
      `CREATE TABLE silences (
        tenant VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        matchers VARCHAR NOT NULL,
        starts_at_ms BIGINT NOT NULL,
        ends_at_ms BIGINT NOT NULL,
        created_by VARCHAR NOT NULL,
        comment VARCHAR NOT NULL,
        updated_at_ms BIGINT NOT NULL,
        PRIMARY KEY (tenant, id))`,
    ],
  },
]

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
