import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { IngestConfig } from '../config.js'
import type { IngestRequest } from '../endpoint.js'
import { IngestHttpError } from '../http-error.js'
import type { DecodeService } from './decode-service.js'
import type { ReadyRequest } from './ready-request.js'
import type { DecodeReply, DecodeTask } from './worker-messages.js'
import { ownsBuffer } from './worker-messages.js'

interface Pending {
  readonly resolve: (ready: ReadyRequest) => void
  readonly reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  readonly pending: Map<number, Pending>
}

/**
 * Decodes on `threads` worker threads (DESIGN.md §3: both cores work). Each task goes to the
 * thread with the fewest tasks in flight; bodies that own their memory are transferred, not
 * copied, and so are the encoded batches coming back. Tasks in flight are bounded by the server's
 * admission control (maxConcurrentRequests), so no queue here grows without bound.
 *
 * A thread that dies fails its tasks in flight with 503 (the clients retry) and is replaced.
 * `close()` terminates the threads.
 */
export class WorkerDecodeService implements DecodeService {
  readonly #slots: Slot[] = []
  readonly #config: IngestConfig
  readonly #logger: Logger
  #nextId = 1
  #closed = false

  constructor(config: IngestConfig, threads: number, logger: Logger) {
    this.#config = config
    this.#logger = logger
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: this.#spawn(), pending: new Map() }
      this.#attach(slot)
      this.#slots.push(slot)
    }
  }

  decode(route: string, body: Buffer, req: IngestRequest): Promise<ReadyRequest> {
    if (this.#closed) return Promise.reject(new IngestHttpError(503, 'overloaded', 'Vigil is shutting down.'))
    let slot = this.#slots[0]!
    for (const s of this.#slots) if (s.pending.size < slot.pending.size) slot = s
    const id = this.#nextId++
    const task: DecodeTask = { id, route, req, body }
    return new Promise<ReadyRequest>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      slot.worker.postMessage(task, ownsBuffer(body) ? [body.buffer as ArrayBuffer] : [])
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#slots.map((s) => s.worker.terminate()))
  }

  #spawn(): Worker {
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url), {
      workerData: { config: this.#config },
    })
    worker.unref()
    return worker
  }

  #attach(slot: Slot): void {
    const worker = slot.worker
    worker.on('message', (reply: DecodeReply) => {
      const p = slot.pending.get(reply.id)
      if (p === undefined) return
      slot.pending.delete(reply.id)
      if (reply.ok) {
        p.resolve(reply.ready)
      } else {
        const e = reply.error
        const options = e.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: e.retryAfterSeconds }
        p.reject(new IngestHttpError(e.status, e.reason, e.message, options))
      }
    })
    const fail = (why: string): void => {
      for (const p of slot.pending.values()) {
        p.reject(
          new IngestHttpError(503, 'overloaded', `A decode thread stopped (${why}); retry.`, {
            retryAfterSeconds: 1,
          }),
        )
      }
      slot.pending.clear()
      if (this.#closed || slot.worker !== worker) return
      this.#logger.error({ why }, 'A decode thread stopped; starting a new one.')
      slot.worker = this.#spawn()
      this.#attach(slot)
    }
    worker.on('error', (err) => fail(err.message))
    worker.on('exit', (code) => fail(`exit code ${code}`))
  }
}
