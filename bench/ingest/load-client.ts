import * as http from 'node:http'

/** One pre-encoded request body and the records it carries (samples, spans or log lines). */
export interface PoolEntry {
  readonly body: Buffer
  readonly records: number
}

export interface LoadTarget {
  readonly port: number
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** OTLP answers a partial success with a 2xx and a non-empty body: counted apart, not acknowledged. */
  readonly partialOnNonEmptyBody: boolean
}

/** Cumulative counters of a `LoadRun`; subtract two snapshots to get a measurement window. */
export interface LoadCounters {
  readonly atMs: number
  readonly requests: number
  readonly ackedRequests: number
  readonly ackedRecords: number
  readonly bytesSent: number
  /** Per outcome other than a full 2xx: `429`, `503`, `partial`, `error`… → count. */
  readonly failures: Readonly<Record<string, number>>
}

const REQUEST_TIMEOUT_MS = 30_000
/** Pause after a failed request, so a refusing server is not hammered in a tight loop. */
const FAILURE_PAUSE_MS = 5

/**
 * Replays a pool of pre-encoded bodies round robin over `connections` keep-alive sockets, one
 * request in flight per socket, until `stop()`: the client does no encoding, only HTTP. A record
 * counts once its request got a 2xx (a partial OTLP success counts under `failures`).
 */
export class LoadRun {
  readonly #target: LoadTarget
  readonly #pool: readonly PoolEntry[]
  readonly #agent: http.Agent
  readonly #workers: Promise<void>[] = []
  #next: number
  #stopped = false
  #requests = 0
  #ackedRequests = 0
  #ackedRecords = 0
  #bytesSent = 0
  readonly #failures: Record<string, number> = {}

  constructor(target: LoadTarget, pool: readonly PoolEntry[], connections: number, firstEntry = 0) {
    if (pool.length === 0) throw new Error('LoadRun needs at least one payload')
    this.#target = target
    this.#pool = pool
    this.#next = firstEntry
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: connections })
    for (let i = 0; i < connections; i++) this.#workers.push(this.#worker())
  }

  /** Where the next request starts in the pool (to continue the rotation in a new run). */
  get nextEntry(): number {
    return this.#next % this.#pool.length
  }

  snapshot(): LoadCounters {
    return {
      atMs: performance.now(),
      requests: this.#requests,
      ackedRequests: this.#ackedRequests,
      ackedRecords: this.#ackedRecords,
      bytesSent: this.#bytesSent,
      failures: { ...this.#failures },
    }
  }

  /** Stops issuing requests and resolves once those in flight are answered. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true
    await Promise.all(this.#workers)
    this.#agent.destroy()
  }

  async #worker(): Promise<void> {
    while (!this.#stopped) {
      const entry = this.#pool[this.#next++ % this.#pool.length]!
      const outcome = await this.#send(entry)
      this.#requests++
      if (outcome === 'ok') {
        this.#ackedRequests++
        this.#ackedRecords += entry.records
      } else {
        this.#failures[outcome] = (this.#failures[outcome] ?? 0) + 1
        await new Promise((resolve) => setTimeout(resolve, FAILURE_PAUSE_MS))
      }
    }
  }

  #send(entry: PoolEntry): Promise<string> {
    const t = this.#target
    return new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: t.port,
          method: 'POST',
          path: t.path,
          agent: this.#agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { ...t.headers, 'content-length': String(entry.body.length) },
        },
        (res) => {
          const status = res.statusCode ?? 0
          let bodyBytes = 0
          res.on('data', (chunk: Buffer) => (bodyBytes += chunk.length))
          res.on('end', () => {
            if (status < 200 || status > 299) resolve(String(status))
            else resolve(t.partialOnNonEmptyBody && bodyBytes > 0 ? 'partial' : 'ok')
          })
          res.on('error', () => resolve('error'))
        },
      )
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', (err: NodeJS.ErrnoException) =>
        resolve(err.message === 'timeout' ? 'timeout' : 'error'),
      )
      this.#bytesSent += entry.body.length
      req.end(entry.body)
    })
  }
}

/** `b - a` of two snapshots of the same run. */
export function windowOf(a: LoadCounters, b: LoadCounters): LoadCounters {
  const failures: Record<string, number> = {}
  for (const [k, v] of Object.entries(b.failures)) {
    const d = v - (a.failures[k] ?? 0)
    if (d > 0) failures[k] = d
  }
  return {
    atMs: b.atMs - a.atMs,
    requests: b.requests - a.requests,
    ackedRequests: b.ackedRequests - a.ackedRequests,
    ackedRecords: b.ackedRecords - a.ackedRecords,
    bytesSent: b.bytesSent - a.bytesSent,
    failures,
  }
}
