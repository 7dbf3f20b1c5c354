import type { IncomingMessage, ServerResponse } from 'node:http'

export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const
export type HttpMethod = (typeof httpMethods)[number]

/**
 * One endpoint of the API. Routes are plain data handed to `ApiServer`; they are thin and delegate
 * to the module that owns the logic. `handle` must write a complete response; a rejection becomes a
 * 500 with a JSON error body and is logged by the server.
 *
 * Example:
 * ```ts
 * const ping: Route = { method: 'GET', path: '/ping', handle: (_req, res) => sendJson(res, 200, {}) }
 * ```
 */
export interface Route {
  readonly method: HttpMethod
  /** Exact path, without query string. */
  readonly path: string
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>
}
