import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http'

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  /** The raw body, byte for byte. */
  readonly body: string
}

/** How to answer a request: a status, headers, a body; `hold` delays the answer until released. */
export interface ScriptedAnswer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Answer only after `release()` (or never: a receiver that hangs). */
  readonly hold?: boolean
}

/**
 * Test-only: a real webhook receiver, a `node:http` server on 127.0.0.1 with a free port. It
 * records every request and answers from a script (one answer per request, in order; 200 once the
 * script is used up). Always `close()` it.
 *
 * ```ts
 * const rx = await WebhookReceiver.start([{ status: 503 }, { status: 200 }])
 * // … deliver to rx.url …
 * assert.equal(rx.requests.length, 2)
 * await rx.close()
 * ```
 */
export class WebhookReceiver {
  readonly url: string
  readonly requests: ReceivedRequest[] = []
  readonly #server: Server
  readonly #script: ScriptedAnswer[]
  readonly #held: (() => void)[] = []
  readonly #waiters: { readonly count: number; readonly resolve: () => void }[] = []

  private constructor(server: Server, url: string, script: ScriptedAnswer[]) {
    this.#server = server
    this.url = url
    this.#script = script
  }

  static async start(script: readonly ScriptedAnswer[] = []): Promise<WebhookReceiver> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('the receiver has no port')
    const rx = new WebhookReceiver(server, `http://127.0.0.1:${address.port}/hook`, [...script])
    server.on('request', (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        rx.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        })
        rx.#answer(res, rx.#script.shift() ?? { status: 200 })
        rx.#wake()
      })
    })
    return rx
  }

  /** Adds answers to the end of the script. */
  script(...answers: ScriptedAnswer[]): void {
    this.#script.push(...answers)
  }

  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ count, resolve }))
  }

  /** Sends every held answer. */
  release(): void {
    for (const send of this.#held.splice(0)) send()
  }

  async close(): Promise<void> {
    this.release()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #answer(res: ServerResponse, answer: ScriptedAnswer): void {
    const send = (): void => {
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '')
    }
    if (answer.hold === true) this.#held.push(send)
    else send()
  }

  #wake(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!
      if (this.requests.length >= w.count) {
        this.#waiters.splice(i, 1)
        w.resolve()
      }
    }
  }
}
