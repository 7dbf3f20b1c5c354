import { BIGINT, INTEGER, VARCHAR } from '@duckdb/node-api'
import type { DuckDBType } from '@duckdb/node-api'

/** The values SQL parameters take here; a bigint binds as BIGINT (the store's int64 columns). */
export type SqlValue = string | number | bigint

/**
 * Positional parameters of one SQL statement: `add(value)` returns its placeholder (`$1`, `$2`, …)
 * so every user-supplied value is bound, never interpolated into the SQL text. `types` binds
 * bigints as BIGINT (node-api's default, HUGEINT, would make DuckDB cast the column instead).
 */
export class SqlParams {
  readonly values: SqlValue[] = []
  readonly types: DuckDBType[] = []

  /** Binds `value` and returns its placeholder. */
  add(value: SqlValue): string {
    this.values.push(value)
    this.types.push(typeOf(value))
    return `$${this.values.length}`
  }

  /** Binds each value and returns the placeholders joined for an `IN (…)` list. */
  list(values: readonly SqlValue[]): string {
    return values.map((v) => this.add(v)).join(', ')
  }
}

function typeOf(value: SqlValue): DuckDBType {
  if (typeof value === 'string') return VARCHAR
  if (typeof value === 'bigint') return BIGINT
  if (!Number.isInteger(value)) throw new TypeError(`SqlParams: ${value} is not an integer`)
  return Math.abs(value) <= 2_147_483_647 ? INTEGER : BIGINT
}
