/**
 * One windowed result of a built-in engine job (rollups, RED metrics, log counts): the aggregate of
 * one key of one tenant over one window, as an upsert identified by (job, tenant, key, windowMs,
 * windowStart) whose highest `revision` wins (DESIGN.md invariant 2: stores apply results
 * idempotently).
 *
 * - rollups: `key` is the series' labelsKey (labels joined with NUL); the aggregate is over its
 *   sample values; `errors` is 0.
 * - RED: `key` is `service NUL operation`; `count` is the number of spans (rate = count / window),
 *   `errors` the spans with status ERROR, the value fields aggregate span duration in milliseconds.
 * - log counts: `key` is `service NUL severity`; `count` is the number of log records, `errors` 0,
 *   the value fields are NaN.
 *
 * Value fields without a value (no samples, quantiles off) are NaN.
 */
export interface ResultRow {
  readonly tenant: string
  readonly key: string
  readonly windowMs: number
  readonly windowStart: number
  readonly windowEnd: number
  /** 1 for the first emission of a window; +1 for each later upsert (late data within lateness). */
  readonly revision: number
  /**
   * True once the watermark passed the window's end: the result as of the window's close. Later
   * revisions (late data within the allowed lateness) are final too and replace it; false only in
   * emit-on-update mode, for updates before the close.
   */
  readonly final: boolean
  readonly count: number
  readonly sum: number
  readonly min: number
  readonly max: number
  readonly last: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly errors: number
}

/** Result rows of one job, as one record on its result topic. */
export interface ResultBatch {
  readonly kind: 'results'
  /** The job that produced the rows (`rollups`, `red`, `log-counts`, …). */
  readonly job: string
  readonly rows: readonly ResultRow[]
}
