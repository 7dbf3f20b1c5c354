import type { Logger } from 'pino'
import type { Route } from '../../api/index.js'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import { silenceState } from '../routing/silences.js'
import type { Silence, SilenceState, Silences } from '../routing/silences.js'
import { alertApiRoute, notFound } from './alert-api-route.js'
import { silenceJson } from './alert-json.js'
import { parseSilenceBody, readJsonBody } from './request-body.js'

/**
 * Silences over the API, in Alertmanager v2's shapes (a silence's JSON, the body of a new one), each
 * tenant seeing only its own:
 * - `GET /api/v1/silences` (scope `query`): active ones first (soonest to end first), then pending
 *   (soonest to start), then expired (most recently ended);
 * - `POST /api/v1/silences` (`admin`): create; with the `id` of an existing silence, replace it
 *   (the new one is created, then the old one expired, as Alertmanager does on an update);
 * - `GET /api/v1/silences/{id}` (`query`), `DELETE /api/v1/silences/{id}` (`admin`): read, expire now.
 * Creating and expiring need `admin` because a silence stops pages for the whole tenant, while the
 * `query` keys given to dashboards only read.
 */
export function silenceRoutes(
  deps: {
    readonly service: { readonly silences: Silences }
    readonly auth: Authenticator
    readonly clock: Clock
    readonly logger: Logger
    /** Makes changed silences durable (the store); the answer waits for it, so an ack means kept. */
    readonly persistSilences?: (changed: readonly Silence[]) => Promise<void>
  },
  maxBodyBytes: number,
): Route[] {
  const { silences } = deps.service
  const { clock } = deps
  const persist = async (changed: readonly Silence[]): Promise<void> => {
    await deps.persistSilences?.(changed)
  }
  return [
    alertApiRoute(deps, 'GET', '/api/v1/silences', 'query', ({ tenant }) => {
      const now = clock.nowMs()
      const listed = silences.list(tenant).sort((a, b) => compareSilences(a, b, now))
      return { data: { silences: listed.map((s) => silenceJson(s, now)) } }
    }),
    alertApiRoute(deps, 'POST', '/api/v1/silences', 'admin', async ({ req, tenant }) => {
      const now = clock.nowMs()
      const body = parseSilenceBody(await readJsonBody(req, maxBodyBytes), now)
      if (body.replaces !== undefined && silences.get(tenant, body.replaces) === undefined) {
        return noSilence(body.replaces)
      }
      const silence = silences.add(tenant, body.input, now)
      const changed = [silence]
      if (body.replaces !== undefined) changed.push(silences.expire(tenant, body.replaces, now))
      await persist(changed)
      return { data: { silenceID: silence.id } }
    }),
    alertApiRoute(deps, 'GET', '/api/v1/silences/:id', 'query', ({ tenant, params }) => {
      const id = params.id ?? ''
      const silence = silences.get(tenant, id)
      return silence === undefined ? noSilence(id) : { data: silenceJson(silence, clock.nowMs()) }
    }),
    alertApiRoute(deps, 'DELETE', '/api/v1/silences/:id', 'admin', async ({ tenant, params }) => {
      const id = params.id ?? ''
      if (silences.get(tenant, id) === undefined) return noSilence(id)
      const now = clock.nowMs()
      const expired = silences.expire(tenant, id, now)
      await persist([expired])
      return { data: silenceJson(expired, now) }
    }),
  ]
}

function noSilence(id: string) {
  return notFound(`no silence ${JSON.stringify(id)} (expired silences are kept 24 hours)`)
}

const ORDER: Readonly<Record<SilenceState, number>> = { active: 0, pending: 1, expired: 2 }

function compareSilences(a: Silence, b: Silence, nowMs: number): number {
  const sa = silenceState(a, nowMs)
  const sb = silenceState(b, nowMs)
  if (sa !== sb) return ORDER[sa] - ORDER[sb]
  if (sa === 'active') return a.endsAtMs - b.endsAtMs || a.id.localeCompare(b.id)
  if (sa === 'pending') return a.startsAtMs - b.startsAtMs || a.id.localeCompare(b.id)
  return b.endsAtMs - a.endsAtMs || a.id.localeCompare(b.id)
}
