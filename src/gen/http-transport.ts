import http from 'node:http'
import https from 'node:https'
import type { Clock } from '../core/index.js'
import { parseRetryAfter } from './backoff.js'
import type { GenOptions } from './gen-options.js'
import type { Payload } from './payload.js'

/**
 * What became of one request: an HTTP status (any, the caller decides what is success) or a
 * transport error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, …). Never a rejection.
 */
export type SendOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'error'; readonly code: string }

export interface Transport {
  send(payload: Payload): Promise<SendOutcome>
  /** Releases the keep-alive sockets. */
  close(): void
}

type TransportOptions = Pick<GenOptions, 'url' | 'apiKey' | 'tenant' | 'concurrency' | 'timeoutMs'>

/**
 * Sends payloads with `node:http(s)` over keep-alive sockets (`maxSockets = concurrency`). Headers:
 * `Content-Type: application/x-protobuf`; for remote_write also `Content-Encoding: snappy` and
 * `X-Prometheus-Remote-Write-Version: 0.1.0`; `Authorization: Bearer <apiKey>` and
 * `X-Scope-OrgID: <tenant>` when given. The response body is read and discarded.
 */
export function createHttpTransport(options: TransportOptions, clock: Clock): Transport {
  const base = new URL(options.url)
  const isHttps = base.protocol === 'https:'
  const agentOptions = { keepAlive: true, maxSockets: options.concurrency }
  const agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
  const prefix = base.pathname.replace(/\/+$/, '')
  const common: Record<string, string> = {
    'Content-Type': 'application/x-protobuf',
    'User-Agent': 'vigil-gen',
  }
  if (options.apiKey !== undefined) common['Authorization'] = `Bearer ${options.apiKey}`
  if (options.tenant !== undefined) common['X-Scope-OrgID'] = options.tenant
  const snappyHeaders = {
    ...common,
    'Content-Encoding': 'snappy',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
  }

  function send(payload: Payload): Promise<SendOutcome> {
    return new Promise((resolve) => {
      const headers = {
        ...(payload.isSnappy ? snappyHeaders : common),
        'Content-Length': String(payload.body.length),
      }
      const req = (isHttps ? https : http).request({
        agent,
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        path: prefix + payload.path,
        method: 'POST',
        headers,
        timeout: options.timeoutMs,
      })
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        const retryAfter = res.headers['retry-after']
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: err.code ?? 'ERESPONSE' }),
        )
        res.on('end', () =>
          resolve({ kind: 'response', status, retryAfterMs: parseRetryAfter(retryAfter, clock.nowMs()) }),
        )
        // a response cut short by a dying server: 'close' without 'end' (the first resolve wins)
        res.on('close', () => resolve({ kind: 'error', code: 'ECONNRESET' }))
        res.resume()
      })
      req.on('timeout', () => {
        const err: NodeJS.ErrnoException = new Error('request timed out')
        err.code = 'ETIMEDOUT'
        req.destroy(err)
      })
      req.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: err.code ?? err.message }),
      )
      req.end(payload.body)
    })
  }

  return { send, close: () => agent.destroy() }
}
