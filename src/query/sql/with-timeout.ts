import type { DuckDBConnection, DuckDBResultReader, DuckDBType, DuckDBValue } from '@duckdb/node-api'
import { QueryTimeoutError } from './query-error.js'

/** Runs one SQL statement with bound parameters (of `types`, when given) and reads its whole result. */
export type ReadFn = (
  sql: string,
  values?: DuckDBValue[],
  types?: DuckDBType[],
) => Promise<DuckDBResultReader>

const DEFAULT_HINT = 'narrow the query: a shorter time range (start/end), more filters, or a smaller limit'

/**
 * Runs `body`, whose statements go through the `read` it is given, under a deadline of `timeoutMs`
 * on connection `c`: when time is up the running statement is cancelled with `c.interrupt()`, a
 * statement started later is refused, and the call rejects with QueryTimeoutError (503) whose
 * message ends with `hint`. The connection stays usable. Give each concurrent query its own
 * connection: the interrupt cancels whatever the connection is running.
 */
export async function withTimeout<T>(
  c: DuckDBConnection,
  timeoutMs: number,
  body: (read: ReadFn) => Promise<T>,
  hint: string = DEFAULT_HINT,
): Promise<T> {
  if (!(timeoutMs > 0)) throw new RangeError(`withTimeout: timeoutMs must be positive, got ${timeoutMs}`)
  let expired = false
  const timer = setTimeout(() => {
    expired = true
    c.interrupt()
  }, timeoutMs)
  const read: ReadFn = (sql, values, types) => {
    if (expired) return Promise.reject(new QueryTimeoutError(timeoutMs, hint))
    return c.runAndReadAll(sql, values, types)
  }
  try {
    return await body(read)
  } catch (err) {
    if (err instanceof QueryTimeoutError) throw err
    if (expired && /INTERRUPT/i.test(String((err as Error | undefined)?.message))) {
      throw new QueryTimeoutError(timeoutMs, hint, { cause: err })
    }
    throw err
  } finally {
    clearTimeout(timer)
  }
}
