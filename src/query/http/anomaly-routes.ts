import type { Route } from '../../api/index.js'
import { parseAnomalyQuery, queryAnomalies } from '../anomalies/index.js'
import { queryRoute } from './query-route.js'
import type { TelemetryRouteDeps } from './query-route.js'

/**
 * `GET /api/v1/anomalies` → `{"status":"success","data":{"anomalies":[…],"nextCursor":…}}`: the
 * caller's tenant's scored points, newest first (parameters: see `parseAnomalyQuery`; the answer:
 * `AnomalyEntry`). Errors as the other telemetry routes: 400 `bad_data` naming the parameter,
 * 401/403, 503 `timeout`, 500 `internal`. Part of `telemetryRoutes`.
 */
export function anomalyRoutes(deps: TelemetryRouteDeps): Route[] {
  const { timeoutMs } = deps.limits
  return [
    queryRoute(
      deps,
      '/api/v1/anomalies',
      (params, _path, nowMs) => parseAnomalyQuery(params, nowMs),
      async (c, tenant, q) => JSON.stringify(await queryAnomalies(c, tenant, q, { timeoutMs })),
    ),
  ]
}
