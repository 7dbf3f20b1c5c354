import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { closeHttp, listenHttp } from '../../api/index.js'
import type { Authenticator } from '../../auth/index.js'
import type { Clock } from '../../core/index.js'
import type { IngestLedger } from '../ledger/ingest-ledger.js'
import type { TenantLimits } from '../limits/tenant-limits.js'
import type { IngestWriter } from '../writer/ingest-writer.js'
import type { Backpressure } from './backpressure.js'
import type { IngestConfig } from './config.js'
import type { DecodeService } from './decode/decode-service.js'
import { decompressBody } from './decompress.js'
import type { Endpoint, IngestRequest } from './endpoint.js'
import { IngestHttpError } from './http-error.js'
import { mediaTypeOf } from './media-type.js'
import { ingestRequest } from './ingest-flow.js'
import { readBody, declaredLength } from './read-body.js'
import { sendBody } from './respond.js'

export interface IngestServerSettings {
  readonly logger: Logger
  readonly clock: Clock
  readonly auth: Authenticator
  readonly limits: TenantLimits
  readonly backpressure: Backpressure
  readonly writer: IngestWriter
  readonly ledger: IngestLedger
  readonly decoder: DecodeService
  /** Exact paths (`/v1/metrics`) and prefixes ending in `/` (`/api/v1/events/`). */
  readonly endpoints: ReadonlyMap<string, Endpoint>
  readonly shutdownGraceMs?: number
}

export interface IngestAddress {
  readonly host: string
  readonly port: number
}

/**
 * The ingest listener (default 127.0.0.1:4318): `node:http` without a framework, because this is
 * the hot path (DESIGN.md §9). It routes by path to an `Endpoint` and runs every request through
 * the same steps, in this order, so a refusal costs as little as possible:
 *
 * 1. method (405) → 2. authentication (401/403/400) → 3. tenant count (429) → 4. tenant request
 * rate (429) → 5. admission: concurrency, bytes in flight, memory, consumer lag (503/429) →
 * 6. headers (415) → 7. body size (413) → 8. decompression (413/400) → 9. decode (400; rejects
 * inside a valid body are dead-lettered) → 10. series limit → 11. durable append → 12. answer.
 *
 * Lifecycle as ApiServer: `start()` once, `shutdown()` idempotent (in-flight requests finish
 * within the grace period, then connections are cut).
 */
export class IngestServer {
  readonly #config: IngestConfig
  readonly #s: IngestServerSettings
  #server: Server | undefined
  #address: IngestAddress | undefined
  #closing: Promise<void> | undefined

  constructor(config: IngestConfig, settings: IngestServerSettings) {
    this.#config = config
    this.#s = settings
  }

  async start(): Promise<void> {
    if (this.#server !== undefined) throw new Error('IngestServer.start() may be called only once.')
    const { host, port } = this.#config
    const server = createServer((req, res) => this.#onRequest(req, res))
    server.keepAliveTimeout = 65_000
    const bound = await listenHttp(server, host, port)
    server.on('error', (err) => this.#s.logger.error({ err }, 'The ingest listener reported an error.'))
    this.#server = server
    this.#address = { host, port: bound }
    this.#s.logger.info(this.#address, 'The ingest listener is accepting connections.')
  }

  address(): IngestAddress {
    if (this.#address === undefined) throw new Error('IngestServer is not listening.')
    return this.#address
  }

  shutdown(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    await closeHttp(server, this.#s.shutdownGraceMs ?? 5_000)
    this.#s.logger.info('The ingest listener is closed.')
  }

  #route(path: string): { key: string; endpoint: Endpoint; param: string } | undefined {
    const exact = this.#s.endpoints.get(path)
    if (exact !== undefined) return { key: path, endpoint: exact, param: '' }
    const slash = path.lastIndexOf('/')
    if (slash <= 0) return undefined
    const key = path.slice(0, slash + 1)
    const prefixed = this.#s.endpoints.get(key)
    return prefixed === undefined ? undefined : { key, endpoint: prefixed, param: path.slice(slash + 1) }
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q)
    const route = this.#route(path)
    if (route === undefined) {
      const known = [...this.#s.endpoints.keys()]
        .map((p) => (p.endsWith('/') ? `${p}{stream}` : p))
        .join(', ')
      sendBody(res, 404, 'text/plain; charset=utf-8', `Not found: ${path}. Ingest endpoints: ${known}.\n`)
      req.resume()
      return
    }
    const { endpoint } = route
    let request: IngestRequest | undefined
    let release: (() => void) | undefined
    this.#handle(req, res, route.key, endpoint, route.param, (r, rel) => {
      request = r
      release = rel
    })
      .catch((err: unknown) => {
        const httpErr =
          err instanceof IngestHttpError
            ? err
            : new IngestHttpError(
                500,
                'log_unavailable',
                'Internal error while ingesting; see the server log.',
                {
                  cause: err,
                },
              )
        if (!(err instanceof IngestHttpError)) {
          this.#s.logger.error({ err, path }, 'An ingest request failed unexpectedly.')
        }
        this.#s.ledger.countRefusal(endpoint.protocol, httpErr.reason)
        if (httpErr.status === 413 || httpErr.status === 401) res.shouldKeepAlive = false
        endpoint.sendError(res, request, httpErr)
        this.#s.ledger.countRequest(endpoint.protocol, httpErr.status)
        if (!req.complete) req.resume()
      })
      .finally(() => release?.())
  }

  async #handle(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    endpoint: Endpoint,
    param: string,
    expose: (r: IngestRequest, release: (() => void) | undefined) => void,
  ): Promise<void> {
    const s = this.#s
    const limits = this.#config.limits
    const receivedAtMs = s.clock.nowMs()
    const contentType = req.headers['content-type'] ?? ''
    const partial: IngestRequest = {
      tenant: '',
      receivedAtMs,
      mediaType: mediaTypeOf(contentType),
      contentType,
      pathParam: param,
    }
    expose(partial, undefined)
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST')
      throw new IngestHttpError(405, 'method_not_allowed', `Use POST to send data to ${req.url ?? ''}.`)
    }
    const auth = s.auth.authenticate(req.headers, 'ingest')
    if (!auth.ok) {
      const reason =
        auth.status === 400 ? 'bad_tenant' : auth.status === 401 ? 'unauthenticated' : 'forbidden'
      throw new IngestHttpError(auth.status, reason, auth.message)
    }
    const tenant = auth.principal.tenant
    const request: IngestRequest = { ...partial, tenant }
    expose(request, undefined)
    if (!s.limits.knows(tenant, receivedAtMs)) {
      throw new IngestHttpError(
        429,
        'too_many_tenants',
        `Vigil tracks at most ${limits.maxTenants} tenants (ingest.limits.maxTenants); tenant ${tenant} cannot be added.`,
        { retryAfterSeconds: 60 },
      )
    }
    const wait = s.limits.takeRequest(tenant, receivedAtMs)
    if (wait > 0) {
      throw new IngestHttpError(
        429,
        'rate_limited',
        `Tenant ${tenant} is over its request rate of ${limits.requestsPerSecondPerTenant}/s ` +
          '(ingest.limits.requestsPerSecondPerTenant); slow down or batch more per request.',
        { retryAfterSeconds: wait },
      )
    }
    const declared = declaredLength(req)
    const release = s.backpressure.admit(declared > 0 ? declared : limits.maxRequestBytes)
    expose(request, release)
    const contentEncoding = req.headers['content-encoding'] ?? ''
    endpoint.check(request, contentEncoding)
    const raw = await readBody(req, limits.maxRequestBytes)
    const body = await decompressBody(raw, contentEncoding, limits.maxDecompressedBytes, endpoint.allowSnappy)
    const summary = await ingestRequest(key, endpoint.signal, body, request, {
      decoder: s.decoder,
      limits: s.limits,
      writer: s.writer,
      ledger: s.ledger,
      retryAfterSeconds: this.#config.retryAfterSeconds,
    })
    endpoint.sendSuccess(res, request, summary)
    s.ledger.countRequest(endpoint.protocol, res.statusCode)
  }
}
