import type { IngestRequest } from '../endpoint.js'
import type { RefusalReason } from '../http-error.js'
import type { ReadyRequest } from './ready-request.js'

export interface DecodeTask {
  readonly id: number
  readonly route: string
  readonly req: IngestRequest
  readonly body: Uint8Array
}

export type DecodeReply =
  | { readonly id: number; readonly ok: true; readonly ready: ReadyRequest }
  | {
      readonly id: number
      readonly ok: false
      readonly error: {
        readonly status: number
        readonly reason: RefusalReason
        readonly message: string
        readonly retryAfterSeconds: number | undefined
      }
    }

/**
 * The ArrayBuffers a message may hand over instead of copying: only those a view covers whole
 * (a small Buffer is a slice of Node's shared pool, which must never be transferred).
 */
export function transferablesOf(ready: ReadyRequest): ArrayBuffer[] {
  const out: ArrayBuffer[] = []
  const add = (view: ArrayBufferView): void => {
    const buffer = view.buffer
    if (
      buffer instanceof ArrayBuffer &&
      view.byteOffset === 0 &&
      view.byteLength === buffer.byteLength &&
      !out.includes(buffer)
    ) {
      out.push(buffer)
    }
  }
  for (const g of ready.groups) add(g.value)
  add(ready.seriesHashes)
  return out
}

/** True when the whole ArrayBuffer behind `view` is the view (safe to transfer). */
export function ownsBuffer(view: ArrayBufferView): boolean {
  return (
    view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength
  )
}
