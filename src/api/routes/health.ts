import { sendJson } from '../respond.js'
import type { Route } from '../route.js'

/** Whether the process should receive traffic, and why not. */
export interface Readiness {
  readonly isReady: boolean
  /** A sentence for operators, e.g. "The log is open and the API is serving." */
  readonly reason: string
}

/**
 * `GET /healthz`: 200 as long as the process can answer (liveness).
 * `GET /readyz`: 200 when `readiness()` says ready, else 503; both with a JSON body carrying the reason.
 */
export function healthRoutes(readiness: () => Readiness): readonly Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handle: (_req, res) => {
        const { isReady, reason } = readiness()
        sendJson(res, isReady ? 200 : 503, { status: isReady ? 'ready' : 'not_ready', reason })
      },
    },
  ]
}
