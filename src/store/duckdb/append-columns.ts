import { DuckDBDataChunk } from '@duckdb/node-api'
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api'

/** Rows per DuckDB data chunk (its vector size). */
const CHUNK_ROWS = 2048

/**
 * Appends `rowCount` rows given as columns (one array per column, in the table's column order) to
 * `table` with DuckDB's appender, a data chunk at a time: no SQL per row. Inside an open
 * transaction the rows belong to it (a ROLLBACK discards them). `types` are the table's column
 * types, in order.
 */
export async function appendColumns(
  connection: DuckDBConnection,
  table: string,
  types: readonly DuckDBType[],
  columns: readonly (readonly DuckDBValue[])[],
  rowCount: number,
): Promise<void> {
  if (rowCount === 0) return
  if (columns.length !== types.length) {
    throw new Error(`appendColumns(${table}): ${columns.length} columns for ${types.length} types`)
  }
  const appender = await connection.createAppender(table)
  try {
    for (let from = 0; from < rowCount; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rowCount - from)
      const chunk = DuckDBDataChunk.create(types, n)
      chunk.setColumns(from === 0 && n === rowCount ? columns : columns.map((c) => c.slice(from, from + n)))
      appender.appendDataChunk(chunk)
    }
    appender.flushSync()
  } finally {
    appender.closeSync()
  }
}
