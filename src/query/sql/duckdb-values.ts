import { DuckDBListValue, DuckDBMapValue, DuckDBStructValue } from '@duckdb/node-api'
import type { DuckDBValue } from '@duckdb/node-api'

/** Conversions of DuckDB result values (node-api's classes) to plain JSON-ready values. */

/** A `MAP(VARCHAR, VARCHAR)` as a plain object (an empty object for NULL). */
export function mapObject(v: DuckDBValue): Record<string, string> {
  if (!(v instanceof DuckDBMapValue)) return {}
  return Object.fromEntries(v.entries.map((e) => [String(e.key), e.value === null ? '' : String(e.value)]))
}

/** A LIST's items (none for NULL). */
export function listItems(v: DuckDBValue): readonly DuckDBValue[] {
  return v instanceof DuckDBListValue ? v.items : []
}

/** A STRUCT's fields (none for NULL). */
export function structFields(v: DuckDBValue): Readonly<Record<string, DuckDBValue>> {
  return v instanceof DuckDBStructValue ? v.entries : {}
}

/** A BIGINT (or any integer) value as a bigint. */
export function bigintOf(v: DuckDBValue | undefined): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return BigInt(v)
  throw new TypeError(`expected an integer from DuckDB, got ${String(v)}`)
}

/** An INTEGER (or a small BIGINT) value as a number. */
export function numberOf(v: DuckDBValue | undefined): number {
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v)
  throw new TypeError(`expected a number from DuckDB, got ${String(v)}`)
}

/** A VARCHAR value as a string ('' for NULL). */
export function stringOf(v: DuckDBValue | undefined): string {
  return v === null || v === undefined ? '' : String(v)
}
