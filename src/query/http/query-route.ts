import type { DuckDBConnection } from '@duckdb/node-api'
import type { Logger } from 'pino'
import type { PathParams, Route } from '../../api/index.js'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import type { StoreDatabase } from '../../store/index.js'
import { authorizeQuery } from './query-auth.js'
import { promErrorOf, readQueryParams, sendPromError, sendPromSuccess } from './respond.js'
import type { PromError } from './respond.js'

export interface TelemetryQueryLimits {
  /** Deadline of one query; past it the query is cancelled and the answer is 503 `timeout`. */
  readonly timeoutMs: number
  /** Largest POST form body; default 1 MiB. */
  readonly maxBodyBytes?: number
}

export interface TelemetryRouteDeps {
  readonly db: StoreDatabase
  readonly auth: Authenticator
  readonly clock: Clock
  readonly limits: TelemetryQueryLimits
  /** Where unexpected failures (answered 500 `internal`) are logged. */
  readonly logger: Logger
}

/**
 * A GET route over the store: authorize (`query` scope; the caller's tenant), parse the parameters
 * (no connection needed yet), run on a fresh connection (closed afterwards, so a timeout's
 * interrupt never hits another query), answer the data JSON `run` returns or the error it returns
 * or throws: QueryParamError 400 `bad_data`, QueryTimeoutError 503 `timeout`, anything else 500
 * `internal` (logged with the tenant).
 */
export function queryRoute<Q>(
  deps: TelemetryRouteDeps,
  path: string,
  parse: (params: URLSearchParams, pathParams: PathParams, nowMs: number) => Q,
  run: (c: DuckDBConnection, tenant: string, q: Q) => Promise<string | PromError>,
): Route {
  return {
    method: 'GET',
    path,
    handle: async (req, res, pathParams) => {
      const principal = authorizeQuery(deps.auth, req, res)
      if (principal === undefined) return
      let answer: string | PromError
      try {
        const q = parse(await readQueryParams(req, deps.limits), pathParams, deps.clock.nowMs())
        const c = await deps.db.connect()
        try {
          answer = await run(c, principal.tenant, q)
        } finally {
          c.closeSync()
        }
      } catch (err) {
        const known = promErrorOf(err)
        if (known === undefined) {
          deps.logger.error({ err, path: req.url, tenant: principal.tenant }, 'A telemetry query failed.')
        }
        answer = known ?? {
          status: 500,
          errorType: 'internal',
          message: 'The query failed with an internal error; see the server log.',
        }
      }
      if (typeof answer === 'string') sendPromSuccess(res, answer)
      else sendPromError(res, answer.status, answer.errorType, answer.message)
    },
  }
}
