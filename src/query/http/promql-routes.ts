import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PathParams, Route } from '../../api/index.js'
import type { Authenticator } from '../../auth/index.js'
import type { PromAnswer, PromQueryService } from '../promql/api/prom-query-service.js'
import { authorizeQuery } from './query-auth.js'
import { promErrorOf, readQueryParams, sendPromError } from './respond.js'

export interface PromqlRouteDeps {
  readonly service: PromQueryService
  readonly auth: Authenticator
  /** Vigil's version, reported in `/api/v1/status/buildinfo` as `revision`. */
  readonly version: string
}

type Handler = (tenant: string, params: URLSearchParams, path: PathParams) => Promise<PromAnswer>

/**
 * Prometheus' query API on the API listener, as Grafana's Prometheus data source calls it: GET or
 * POST (form body) for query, query_range, series, labels and query_exemplars; GET for label values,
 * metadata, rules and status/buildinfo (Prometheus has no POST for those either, and Grafana sends
 * GET). Each request is authenticated with the `query` scope and answers for the caller's tenant only.
 */
export function promqlRoutes(deps: PromqlRouteDeps): Route[] {
  const { service } = deps
  const { version } = deps
  const get = (path: string, handler: Handler): Route => ({
    method: 'GET',
    path,
    handle: handle(deps, handler),
  })
  const both = (path: string, handler: Handler): Route[] => [
    get(path, handler),
    { method: 'POST', path, handle: handle(deps, handler) },
  ]
  return [
    ...both('/api/v1/query', (t, p) => service.query(t, p)),
    ...both('/api/v1/query_range', (t, p) => service.queryRange(t, p)),
    ...both('/api/v1/series', (t, p) => service.series(t, p)),
    ...both('/api/v1/labels', (t, p) => service.labels(t, p)),
    get('/api/v1/label/:name/values', (t, p, path) => service.labelValues(t, path.name ?? '', p)),
    ...both('/api/v1/query_exemplars', (t, p) => service.queryExemplars(t, p)),
    get('/api/v1/metadata', (t, p) => service.metadata(t, p)),
    get('/api/v1/rules', (t, p) => service.rules(t, p)),
    get('/api/v1/status/buildinfo', () => service.buildInfo(version)),
  ]
}

function handle(deps: PromqlRouteDeps, handler: Handler) {
  return async (req: IncomingMessage, res: ServerResponse, path: PathParams): Promise<void> => {
    const principal = authorizeQuery(deps.auth, req, res)
    if (principal === undefined) return
    let params: URLSearchParams
    try {
      params = await readQueryParams(req)
    } catch (err) {
      const e = promErrorOf(err)
      if (e === undefined) throw err
      sendPromError(res, e.status, e.errorType, e.message)
      return
    }
    const answer = await handler(principal.tenant, params, path)
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(answer.body),
      'cache-control': 'no-store',
    })
    res.end(answer.body)
  }
}
