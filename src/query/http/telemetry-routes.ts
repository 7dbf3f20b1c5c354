import type { DuckDBConnection } from '@duckdb/node-api'
import type { Logger } from 'pino'
import type { PathParams, Route } from '../../api/index.js'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import type { StoreDatabase } from '../../store/index.js'
import { parseLogQuery, queryLogs } from '../logs/index.js'
import { parseTraceId } from '../sql/index.js'
import { getTrace, parseTraceSearch, searchTraces } from '../traces/index.js'
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
 * The logs and traces query endpoints, each scoped to the caller's tenant (`query` scope):
 * - `GET /api/v1/logs` → `{"status":"success","data":{"logs":[…],"nextCursor":…}}` (parameters:
 *   see `parseLogQuery`);
 * - `GET /api/v1/traces` → `{"status":"success","data":{"traces":[…]}}` (see `parseTraceSearch`);
 * - `GET /api/v1/traces/:traceId` → `{"status":"success","data":<TraceTree>}`, 404 `not_found`
 *   when the tenant has no span of it.
 * Errors have Prometheus' shape: 400 `bad_data` (the message names the parameter), 401/403 from
 * authentication, 503 `timeout`, 500 `internal` (logged). Each request runs on a connection of its
 * own, closed afterwards: a timeout interrupts its connection, so connections are never shared.
 */
export function telemetryRoutes(deps: TelemetryRouteDeps): Route[] {
  const { timeoutMs } = deps.limits
  return [
    queryRoute(
      deps,
      '/api/v1/logs',
      (params, _path, nowMs) => parseLogQuery(params, nowMs),
      async (c, tenant, q) => JSON.stringify(await queryLogs(c, tenant, q, { timeoutMs })),
    ),
    queryRoute(
      deps,
      '/api/v1/traces',
      (params, _path, nowMs) => parseTraceSearch(params, nowMs),
      async (c, tenant, q) => JSON.stringify({ traces: await searchTraces(c, tenant, q, { timeoutMs }) }),
    ),
    queryRoute(
      deps,
      '/api/v1/traces/:traceId',
      (_params, path) => parseTraceId(path.traceId ?? '', 'traceId'),
      async (c, tenant, traceId) => {
        const tree = await getTrace(c, tenant, traceId, { timeoutMs })
        if (tree !== undefined) return JSON.stringify(tree)
        return { status: 404, errorType: 'not_found', message: `trace ${traceId} not found` }
      },
    ),
  ]
}

/**
 * A GET route: authorize, parse the parameters (no connection needed yet), run on a fresh
 * connection, answer the data JSON `run` returns or the error it returns or throws.
 */
function queryRoute<Q>(
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
