import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { ApiConfig } from './config.js'
import { closeHttp, listenHttp } from './http-lifecycle.js'
import { sendJson } from './respond.js'
import type { Route, RouteKey } from './route.js'
import { RouteTable } from './route-table.js'

export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000

export interface ApiServerSettings {
  readonly logger: Logger
  readonly routes: readonly Route[]
  /** How long `shutdown` lets in-flight requests finish before it cuts their connections. */
  readonly shutdownGraceMs?: number
}

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

/**
 * The HTTP listener of the API (`node:http`). It has no logic of its own: every endpoint is a `Route`
 * handed in through settings, matched by `RouteTable` (exact paths before `:name` patterns).
 *
 * Lifecycle: `start()` binds and resolves once listening, or rejects with `ApiListenError`.
 * `shutdown()` stops accepting connections, lets in-flight requests finish for at most
 * `shutdownGraceMs`, then closes what is left. It is idempotent and safe when `start` never ran or
 * failed.
 *
 * Unknown paths get 404, known paths with another method 405 (with `Allow`), and a path parameter
 * that is not valid percent-encoding 400, all with a JSON `{ error }` body.
 */
export class ApiServer {
  readonly #config: ApiConfig
  readonly #logger: Logger
  readonly #graceMs: number
  readonly #routes: RouteTable
  readonly #routeKeys: readonly RouteKey[]
  #server: Server | undefined
  #address: ListenAddress | undefined
  #closing: Promise<void> | undefined

  constructor(config: ApiConfig, settings: ApiServerSettings) {
    this.#config = config
    this.#logger = settings.logger
    this.#graceMs = settings.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS
    this.#routes = new RouteTable(settings.routes)
    this.#routeKeys = Object.freeze(
      settings.routes.map(({ method, path }) => Object.freeze({ method, path })),
    )
  }

  /**
   * The method and path of every route served, in the order given (paths as registered, `:name`
   * patterns included). HEAD is not listed: it is answered by the GET route.
   */
  routes(): readonly RouteKey[] {
    return this.#routeKeys
  }

  async start(): Promise<void> {
    if (this.#server !== undefined || this.#closing !== undefined) {
      throw new Error('ApiServer.start() may be called only once.')
    }
    const { host, port } = this.#config
    const server = createServer((req, res) => this.#onRequest(req, res))
    const bound = await listenHttp(server, host, port)
    server.on('error', (err) => this.#logger.error({ err }, 'The API listener reported an error.'))
    this.#server = server
    this.#address = { host, port: bound }
    this.#logger.info({ host, port: bound }, 'The API listener is accepting connections.')
  }

  /** Where the server listens (the real port when configured with port 0). Only after `start`. */
  address(): ListenAddress {
    if (this.#address === undefined) throw new Error('ApiServer is not listening.')
    return this.#address
  }

  shutdown(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    await closeHttp(server, this.#graceMs)
    this.#logger.info('The API listener is closed.')
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = (req.method ?? 'GET').toUpperCase()
    const rawUrl = req.url ?? '/'
    const queryAt = rawUrl.indexOf('?')
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
    const match = this.#routes.match(method, path)
    if (match.kind === 'not_found') {
      sendJson(res, 404, { error: `Not found: ${method} ${path}` })
      return
    }
    if (match.kind === 'method_not_allowed') {
      res.setHeader('allow', match.allow.join(', '))
      sendJson(res, 405, { error: `Method ${method} is not allowed on ${path}.` })
      return
    }
    if (match.kind === 'bad_segment') {
      sendJson(res, 400, { error: match.message })
      return
    }
    const { route, params } = match
    Promise.resolve()
      .then(() => route.handle(req, res, params))
      .catch((err: unknown) => {
        this.#logger.error({ err, method, path }, 'An API handler failed.')
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; see the server log.' })
        else res.destroy()
      })
  }
}
