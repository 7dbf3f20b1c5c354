import { parentPort, workerData } from 'node:worker_threads'
import type { IngestConfig } from '../config.js'
import { createEndpoints } from '../endpoints/create-endpoints.js'
import { IngestHttpError } from '../http-error.js'
import { decodeNow } from './decode-service.js'
import type { DecodeReply, DecodeTask } from './worker-messages.js'
import { transferablesOf } from './worker-messages.js'

/**
 * A decode thread: keeps its own endpoints (decoders with their series caches) and answers each
 * task with the ReadyRequest or the error, transferring the encoded batches instead of copying
 * them. See WorkerDecodeService.
 */
const config = (workerData as { config: IngestConfig }).config
const endpoints = createEndpoints(config)
const port = parentPort
if (port === null) throw new Error('decode-worker must run in a worker thread')

port.on('message', (task: DecodeTask) => {
  let reply: DecodeReply
  try {
    const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength)
    const ready = decodeNow(endpoints, task.route, body, task.req)
    reply = { id: task.id, ok: true, ready }
    port.postMessage(reply, transferablesOf(ready))
  } catch (err) {
    const e =
      err instanceof IngestHttpError
        ? {
            status: err.status,
            reason: err.reason,
            message: err.message,
            retryAfterSeconds: err.retryAfterSeconds,
          }
        : {
            status: 500,
            reason: 'log_unavailable' as const,
            message: `decode failed: ${(err as Error).message}`,
            retryAfterSeconds: undefined,
          }
    reply = { id: task.id, ok: false, error: e }
    port.postMessage(reply)
  }
})
