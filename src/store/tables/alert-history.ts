import { BIGINT, DOUBLE, DuckDBMapValue, MAP, VARCHAR, mapValue } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import { appendColumns } from '../duckdb/append-columns.js'

/**
 * The alert history (`alert_history`, migration 6): one row per state change of an alert, as the
 * alerting service reports them. Writes are idempotent: a restarted process may report a change it
 * already recorded, and a change is identified by (tenant, fingerprint, to state, time), so a row
 * whose identity is already stored is skipped. There is no unique index (it would make the table
 * about ten times larger on disk, see docs/store.md); the check is an anti-join limited to the
 * batch's time range, which DuckDB's per-row-group min/max of `at_ms` prunes. One writer at a time
 * (the alerting service): two concurrent writers could both add the same change.
 */

const LABELS = MAP(VARCHAR, VARCHAR)

/** The column types of `alert_history`, in the migration's order (store-database.test.ts compares them). */
export const ALERT_HISTORY_COLUMN_TYPES: readonly DuckDBType[] = [
  VARCHAR, // tenant
  VARCHAR, // fingerprint
  VARCHAR, // rule_name
  VARCHAR, // rule_kind
  VARCHAR, // from_state
  VARCHAR, // to_state
  BIGINT, // at_ms
  DOUBLE, // value
  LABELS, // labels
  LABELS, // annotations
]

/** A state change as stored; `AlertStateChange` (src/alert) has this shape. */
export interface AlertHistoryChange {
  readonly tenant: string
  readonly fingerprint: string
  readonly ruleName: string
  /** `prometheus` or `anomaly`. */
  readonly ruleKind: string
  /** The alert's labels and annotations at the change (names in sorted order). */
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  /** `inactive`, `pending`, `firing` or `resolved`. */
  readonly from: string
  readonly to: string
  /** When the change happened, epoch ms (event time for anomaly rules, processing time otherwise). */
  readonly atMs: number
  /** The rule's value at the change (NaN and ±Infinity are kept). */
  readonly value: number
}

/** Times outside JavaScript's date range are not times (and a BIGINT cannot hold NaN). */
const MAX_TIME_MS = 8.64e15

/**
 * Records `changes` (any tenants) in one transaction on `c`, which must not be in a transaction
 * already nor used by anyone else meanwhile. A change already stored, or given twice, is written
 * once; a change whose time is not a finite millisecond count is skipped. Times are rounded to
 * whole milliseconds. Returns the rows added.
 */
export async function writeAlertHistory(
  c: DuckDBConnection,
  changes: readonly AlertHistoryChange[],
): Promise<number> {
  const rows = changes.filter((ch) => Number.isFinite(ch.atMs) && Math.abs(ch.atMs) <= MAX_TIME_MS)
  if (rows.length === 0) return 0
  const n = rows.length
  const cols: DuckDBValue[][] = ALERT_HISTORY_COLUMN_TYPES.map(() => new Array<DuckDBValue>(n))
  let minMs = Infinity
  let maxMs = -Infinity
  rows.forEach((ch, r) => {
    const atMs = Math.round(ch.atMs)
    minMs = Math.min(minMs, atMs)
    maxMs = Math.max(maxMs, atMs)
    let k = 0
    cols[k++]![r] = ch.tenant
    cols[k++]![r] = ch.fingerprint
    cols[k++]![r] = ch.ruleName
    cols[k++]![r] = ch.ruleKind
    cols[k++]![r] = ch.from
    cols[k++]![r] = ch.to
    cols[k++]![r] = BigInt(atMs)
    cols[k++]![r] = ch.value
    cols[k++]![r] = labelsValue(ch.labels)
    cols[k++]![r] = labelsValue(ch.annotations)
  })
  await c.run('BEGIN TRANSACTION')
  try {
    // The batch goes to a temporary table with the appender (no SQL per row), then into the history
    // without the rows it already holds, and without repeats inside the batch.
    await c.run(`CREATE OR REPLACE TEMP TABLE ${STAGED} AS SELECT * FROM alert_history LIMIT 0`)
    await appendColumns(c, STAGED, ALERT_HISTORY_COLUMN_TYPES, cols, n)
    const inserted = await c.run(
      `INSERT INTO alert_history
       SELECT * FROM (
         SELECT DISTINCT ON (tenant, fingerprint, to_state, at_ms) * FROM ${STAGED}
         ORDER BY tenant, fingerprint, to_state, at_ms
       ) s
       WHERE NOT EXISTS (
         SELECT 1 FROM alert_history h
         WHERE h.at_ms >= $1 AND h.at_ms <= $2
           AND h.at_ms = s.at_ms AND h.tenant = s.tenant AND h.fingerprint = s.fingerprint
           AND h.to_state = s.to_state)`,
      [BigInt(minMs), BigInt(maxMs)],
      [BIGINT, BIGINT],
    )
    await c.run(`DROP TABLE ${STAGED}`)
    await c.run('COMMIT')
    return Number(inserted.rowsChanged)
  } catch (err) {
    await c.run('ROLLBACK').catch(() => undefined)
    throw err
  }
}

const STAGED = 'alert_history_staged'

/**
 * The order of an alert's changes at the same millisecond (a `for: 0` alert goes inactive → pending →
 * firing in one evaluation): by the state changed to, in lifecycle order, so newest first lists
 * `firing` before `pending`.
 */
const STATE_RANKS: Readonly<Record<string, number>> = { pending: 1, firing: 2, resolved: 3, inactive: 4 }
const RANK_SQL = `CASE to_state ${Object.entries(STATE_RANKS)
  .map(([state, rank]) => `WHEN '${state}' THEN ${rank}`)
  .join(' ')} ELSE 0 END`

function stateRank(state: string): number {
  return Object.hasOwn(STATE_RANKS, state) ? STATE_RANKS[state]! : 0
}

/** Where a page of the history ended: the sort key of its last row (unique within a tenant). */
export interface AlertHistoryCursor {
  readonly atMs: number
  readonly fingerprint: string
  readonly to: string
}

/** One tenant's history query; conditions are ANDed. */
export interface AlertHistoryQuery {
  /** The range of change times, epoch ms, both ends inclusive. */
  readonly startMs: number
  readonly endMs: number
  /** Only this alert's changes. */
  readonly fingerprint?: string
  /** Rows per page (the caller bounds it). */
  readonly limit: number
  /** Continue after this row (`next` of the previous page). */
  readonly after?: AlertHistoryCursor
}

export interface AlertHistoryPage {
  /**
   * Newest first: by time, then fingerprint, then the state changed to in lifecycle order (pending,
   * firing, resolved, inactive), all descending.
   */
  readonly changes: AlertHistoryChange[]
  /** Where the next page starts; null on the last page. */
  readonly next: AlertHistoryCursor | null
}

/**
 * One page of `tenant`'s recorded state changes (the tenant is always a bound parameter). Run it
 * under `withTimeout` (src/query/sql) to bound it: the statement is interruptible.
 */
export async function queryAlertHistory(
  c: DuckDBConnection,
  tenant: string,
  q: AlertHistoryQuery,
): Promise<AlertHistoryPage> {
  const values: DuckDBValue[] = [tenant, BigInt(Math.ceil(q.startMs)), BigInt(Math.floor(q.endMs))]
  const types: DuckDBType[] = [VARCHAR, BIGINT, BIGINT]
  const bind = (v: DuckDBValue, t: DuckDBType): string => {
    values.push(v)
    types.push(t)
    return `$${values.length}`
  }
  const where = ['tenant = $1', 'at_ms >= $2', 'at_ms <= $3']
  if (q.fingerprint !== undefined) where.push(`fingerprint = ${bind(q.fingerprint, VARCHAR)}`)
  if (q.after !== undefined) {
    const at = bind(BigInt(q.after.atMs), BIGINT)
    const fp = bind(q.after.fingerprint, VARCHAR)
    const rank = bind(BigInt(stateRank(q.after.to)), BIGINT)
    const to = bind(q.after.to, VARCHAR)
    // The sort key strictly after the cursor's, spelled so the bound on at_ms prunes row groups.
    where.push(
      `at_ms <= ${at} AND (at_ms < ${at} OR fingerprint < ${fp} OR (fingerprint = ${fp} AND ` +
        `(${RANK_SQL} < ${rank} OR (${RANK_SQL} = ${rank} AND to_state < ${to}))))`,
    )
  }
  const sql = `SELECT tenant, fingerprint, rule_name, rule_kind, from_state, to_state, at_ms, value, labels, annotations
    FROM alert_history
    WHERE ${where.map((w) => `(${w})`).join(' AND ')}
    ORDER BY at_ms DESC, fingerprint DESC, ${RANK_SQL} DESC, to_state DESC
    LIMIT ${bind(BigInt(q.limit + 1), BIGINT)}`
  const rows = (await c.runAndReadAll(sql, values, types)).getRows()
  const changes = rows.slice(0, q.limit).map(changeOf)
  const last = changes.at(-1)
  return {
    changes,
    next:
      rows.length > q.limit && last !== undefined
        ? { atMs: last.atMs, fingerprint: last.fingerprint, to: last.to }
        : null,
  }
}

function changeOf(row: DuckDBValue[]): AlertHistoryChange {
  const [tenant, fingerprint, ruleName, ruleKind, from, to, atMs, value, labels, annotations] = row
  return {
    tenant: String(tenant),
    fingerprint: String(fingerprint),
    ruleName: String(ruleName),
    ruleKind: String(ruleKind),
    labels: labelsOf(labels ?? null),
    annotations: labelsOf(annotations ?? null),
    from: String(from),
    to: String(to),
    atMs: Number(atMs),
    value: typeof value === 'number' ? value : Number(value),
  }
}

function labelsValue(labels: Readonly<Record<string, string>>): DuckDBValue {
  return mapValue(Object.entries(labels).map(([key, value]) => ({ key, value })))
}

/** A MAP(VARCHAR, VARCHAR) as an object, in the stored (sorted) order; `__proto__` stays a label. */
function labelsOf(v: DuckDBValue): Record<string, string> {
  if (!(v instanceof DuckDBMapValue)) return {}
  return Object.fromEntries(v.entries.map((e) => [String(e.key), e.value === null ? '' : String(e.value)]))
}
