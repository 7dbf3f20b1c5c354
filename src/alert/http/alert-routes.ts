import type { Logger } from 'pino'
import type { Route } from '../../api/index.js'
import type { Silence } from '../routing/silences.js'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import { withTimeout } from '../../query/sql/index.js'
import { queryAlertHistory } from '../../store/index.js'
import type { StoreDatabase } from '../../store/index.js'
import type { AlertService } from '../service/alert-service.js'
import { alertApiRoute, notFound } from './alert-api-route.js'
import { compareAlerts, matchesFilters, parseAlertFilters } from './alert-filters.js'
import { acknowledgementJson, alertChangeJson, alertJson } from './alert-json.js'
import { encodeHistoryCursor, parseFingerprint, parseHistoryQuery } from './history-params.js'
import { DEFAULT_ALERT_BODY_BYTES, parseAckBody, readJsonBody } from './request-body.js'
import { silenceRoutes } from './silence-routes.js'

/** What the routes use of the running alerting service. */
export type AlertApiService = Pick<AlertService, 'alerts' | 'alert' | 'silences' | 'acknowledgements'>

export interface AlertRouteDeps {
  readonly service: AlertApiService
  /** The store, for `GET /api/v1/alerts/history`; without it that endpoint answers 503 `unavailable`. */
  readonly db?: StoreDatabase
  readonly auth: Authenticator
  readonly clock: Clock
  readonly limits: {
    /** Deadline of a history query; past it the query is cancelled and the answer is 503 `timeout`. */
    readonly timeoutMs: number
    /** Largest JSON body of a write; default 64 KiB. */
    readonly maxBodyBytes?: number
  }
  /** Where unexpected failures (answered 500 `internal`) are logged. */
  readonly logger: Logger
  /** Makes created and expired silences durable before the API answers (the store's `silences`). */
  readonly persistSilences?: (changed: readonly Silence[]) => Promise<void>
}

const HISTORY_HINT = 'narrow the query: a shorter time range (start/end), a fingerprint, or a smaller limit'

/**
 * The alerting API (docs/alerting.md#api), everything scoped to the caller's tenant: another
 * tenant's alert or silence is answered as if it did not exist (404).
 * - `GET /api/v1/alerts` (scope `query`): current alerts with their marks; filters `state`,
 *   `silenced`, `inhibited`, `acknowledged`, `filter` (alert-filters.ts);
 * - `GET /api/v1/alerts/history` (`query`): recorded state changes, newest first, paged;
 * - `POST` / `DELETE /api/v1/alerts/{fingerprint}/ack` (`query`): acknowledge, or take it back;
 * - `/api/v1/silences`… (silence-routes.ts): list and read with `query`, create and expire with `admin`.
 * Errors in the query API's shape: 400 `bad_data` naming the field, 401/403, 404 `not_found`, 413/415
 * for bodies, 422 `execution` (the tenant's silence limit), 503, 500 `internal` (logged).
 */
export function alertRoutes(deps: AlertRouteDeps): Route[] {
  const { service, clock } = deps
  const maxBodyBytes = deps.limits.maxBodyBytes ?? DEFAULT_ALERT_BODY_BYTES
  return [
    alertApiRoute(deps, 'GET', '/api/v1/alerts', 'query', ({ tenant, query }) => {
      const filters = parseAlertFilters(query)
      const alerts = service
        .alerts(tenant)
        .sort((a, b) => compareAlerts(a.alert, b.alert))
        .map((v) => alertJson(v, service.acknowledgements.current(v.alert)))
        .filter((a) => matchesFilters(a, filters))
      return { data: { alerts } }
    }),
    alertApiRoute(deps, 'GET', '/api/v1/alerts/history', 'query', async ({ tenant, query }) => {
      const q = parseHistoryQuery(query, clock.nowMs())
      const db = deps.db
      if (db === undefined) {
        return {
          status: 503,
          errorType: 'unavailable',
          message: 'The alert history is kept in the store, which is disabled (store.enabled: false).',
        }
      }
      const c = await db.connect()
      try {
        const page = await withTimeout(
          c,
          deps.limits.timeoutMs,
          () => queryAlertHistory(c, tenant, q),
          HISTORY_HINT,
        )
        return {
          data: {
            changes: page.changes.map(alertChangeJson),
            nextCursor: page.next === null ? null : encodeHistoryCursor(page.next),
          },
        }
      } finally {
        c.closeSync()
      }
    }),
    alertApiRoute(
      deps,
      'POST',
      '/api/v1/alerts/:fingerprint/ack',
      'query',
      async ({ req, tenant, params }) => {
        const fingerprint = parseFingerprint(params.fingerprint ?? '', 'fingerprint')
        if (service.alert(tenant, fingerprint) === undefined) return noAlert(fingerprint)
        const body = parseAckBody(await readJsonBody(req, maxBodyBytes))
        const ack = service.acknowledgements.acknowledge({ tenant, fingerprint, ...body }, clock.nowMs())
        return { data: { fingerprint, ...acknowledgementJson(ack) } }
      },
    ),
    alertApiRoute(deps, 'DELETE', '/api/v1/alerts/:fingerprint/ack', 'query', ({ tenant, params }) => {
      const fingerprint = parseFingerprint(params.fingerprint ?? '', 'fingerprint')
      const acks = service.acknowledgements
      if (service.alert(tenant, fingerprint) === undefined && acks.get(tenant, fingerprint) === undefined) {
        return noAlert(fingerprint)
      }
      return { data: { fingerprint, removed: acks.unacknowledge(tenant, fingerprint) } }
    }),
    ...silenceRoutes(deps, maxBodyBytes),
  ]
}

function noAlert(fingerprint: string) {
  return notFound(
    `no alert ${fingerprint}: the tenant has no such alert now (resolved alerts are kept 15 minutes)`,
  )
}
