import type { Route } from '../../api/index.js'
import { parseLogQuery, queryLogs } from '../logs/index.js'
import { parseTraceId } from '../sql/index.js'
import { getTrace, parseTraceSearch, searchTraces } from '../traces/index.js'
import { anomalyRoutes } from './anomaly-routes.js'
import { queryRoute } from './query-route.js'
import type { TelemetryRouteDeps } from './query-route.js'

export type { TelemetryQueryLimits, TelemetryRouteDeps } from './query-route.js'

/**
 * The logs, traces and anomalies query endpoints, each scoped to the caller's tenant (`query` scope):
 * - `GET /api/v1/logs` → `{"status":"success","data":{"logs":[…],"nextCursor":…}}` (parameters:
 *   see `parseLogQuery`);
 * - `GET /api/v1/traces` → `{"status":"success","data":{"traces":[…]}}` (see `parseTraceSearch`);
 * - `GET /api/v1/traces/:traceId` → `{"status":"success","data":<TraceTree>}`, 404 `not_found`
 *   when the tenant has no span of it;
 * - `GET /api/v1/anomalies` → `{"status":"success","data":{"anomalies":[…],"nextCursor":…}}`
 *   (anomaly-routes.ts).
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
    ...anomalyRoutes(deps),
  ]
}
