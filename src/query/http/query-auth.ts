import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Authenticator, Principal, Scope } from '../../auth/index.js'
import { sendPromError } from './respond.js'
import type { PromErrorType } from './respond.js'

const ERROR_TYPES: Record<400 | 401 | 403, PromErrorType> = {
  400: 'bad_data',
  401: 'unauthorized',
  403: 'forbidden',
}

/**
 * Authenticates a query request with the `query` scope (or `scope`, for the API's writes) and
 * returns who is calling; every query is then scoped to `principal.tenant`. On failure it writes the
 * error (Prometheus' error shape, with the status of the outcome: 400 bad X-Scope-OrgID, 401 no or
 * unknown key, 403 a key without that scope or `admin`, or claiming another tenant) and returns
 * undefined; the route then stops.
 *
 * In `none` mode (development) every caller is accepted and reads the tenant it names in
 * X-Scope-OrgID, else the default tenant.
 */
export function authorizeQuery(
  auth: Authenticator,
  req: IncomingMessage,
  res: ServerResponse,
  scope: Scope = 'query',
): Principal | undefined {
  const outcome = auth.authenticate(req.headers, scope)
  if (outcome.ok) return outcome.principal
  if (outcome.status === 401) res.setHeader('www-authenticate', 'Bearer realm="vigil"')
  sendPromError(res, outcome.status, ERROR_TYPES[outcome.status], outcome.message)
  return undefined
}
