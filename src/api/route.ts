import type { IncomingMessage, ServerResponse } from 'node:http'

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const
export type HttpMethod = (typeof httpMethods)[number]

/** The named segments of a matched path pattern, URL-decoded: `{ traceId: '0af7…' }`. Empty for exact paths. */
export type PathParams = Readonly<Record<string, string>>

/**
 * One endpoint of the API. Routes are plain data handed to `ApiServer`; they are thin and delegate
 * to the module that owns the logic. `handle` must write a complete response; a rejection becomes a
 * 500 with a JSON error body and is logged by the server.
 *
 * `path` is an exact path (`/api/v1/logs`) or a pattern whose whole segments may be named
 * parameters (`/api/v1/traces/:traceId`, `/api/v1/label/:name/values`). A parameter matches one
 * non-empty segment; the handler gets it URL-decoded (`a%2Fb` → `a/b`) in `params`.
 *
 * Example:
 * ```ts
 * const ping: Route = { method: 'GET', path: '/ping', handle: (_req, res) => sendJson(res, 200, {}) }
 * const trace: Route = {
 *   method: 'GET',
 *   path: '/api/v1/traces/:traceId',
 *   handle: (_req, res, params) => sendJson(res, 200, { id: params.traceId }),
 * }
 * ```
 */
export interface Route {
  readonly method: HttpMethod
  /** Exact path or pattern (`:name` segments), without query string. */
  readonly path: string
  handle(req: IncomingMessage, res: ServerResponse, params: PathParams): void | Promise<void>
}

/** Which endpoint a route is: its method and path (pattern), without the handler. */
export type RouteKey = Pick<Route, 'method' | 'path'>
