import http from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import https from 'node:https'

/** One HTTP exchange for notify: a bounded body, one deadline for the whole exchange. */
export interface HttpRequestOptions {
  readonly method: 'GET' | 'POST'
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** From sending the request to the end of the response body. */
  readonly timeoutMs: number
  /** How much of the response body to keep; past it the response is cut (`isBodyCut`). */
  readonly maxBodyBytes: number
  readonly signal: AbortSignal
  readonly agent?: http.Agent
}

/**
 * What became of one exchange: a response (any status; the caller decides) or a transport failure
 * with Node's error code (`ECONNREFUSED`, `ECONNRESET`, …), `ETIMEDOUT` for the deadline and
 * `ABORTED` for the signal. Never a rejection.
 */
export type HttpOutcome =
  | {
      readonly kind: 'response'
      readonly status: number
      readonly headers: IncomingHttpHeaders
      readonly body: Buffer
      readonly isBodyCut: boolean
    }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }

export function httpRequest(options: HttpRequestOptions): Promise<HttpOutcome> {
  let req: http.ClientRequest
  try {
    req = createRequest(options)
  } catch (err) {
    // e.g. ERR_INVALID_CHAR: a header value Node refuses to send
    const e = err as NodeJS.ErrnoException
    return Promise.resolve({ kind: 'error', code: e.code ?? 'EREQUEST', message: e.message })
  }
  return new Promise((resolve) => {
    let settled = false
    const finish = (outcome: HttpOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal.removeEventListener('abort', onAbort)
      resolve(outcome)
    }
    const fail = (code: string, message: string): void => finish({ kind: 'error', code, message })
    const timer = setTimeout(() => {
      fail('ETIMEDOUT', `no complete answer within ${options.timeoutMs} ms`)
      req.destroy()
    }, options.timeoutMs)
    const onAbort = (): void => {
      fail('ABORTED', 'the request was aborted (shutdown)')
      req.destroy()
    }
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'EREQUEST', err.message))
    if (options.signal.aborted) {
      onAbort()
      return
    }
    options.signal.addEventListener('abort', onAbort, { once: true })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let kept = 0
      let isBodyCut = false
      const done = (): void =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          isBodyCut,
        })
      res.on('data', (chunk: Buffer) => {
        if (isBodyCut) return
        const room = options.maxBodyBytes - kept
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room))
          kept += room
          isBodyCut = true
          // the rest is not needed: answer now and drop the connection instead of draining it
          done()
          res.destroy()
          return
        }
        chunks.push(chunk)
        kept += chunk.length
      })
      res.on('end', done)
      res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ERESPONSE', err.message))
      // a response cut short by a dying server: 'close' without 'end' (the first outcome wins)
      res.on('close', () => fail('ECONNRESET', 'the connection closed before the response ended'))
    })
    req.end(options.body)
  })
}

function createRequest(options: HttpRequestOptions): http.ClientRequest {
  const lib = options.url.protocol === 'https:' ? https : http
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body))
  return lib.request(options.url, {
    method: options.method,
    headers,
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  })
}
