import type { Registry } from 'prom-client'
import { sendText } from '../respond.js'
import type { Route } from '../route.js'

/** `GET /metrics`: the registry in Prometheus text exposition format. Collection runs per scrape. */
export function metricsRoute(registry: Registry): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handle: async (_req, res) => {
      const text = await registry.metrics()
      sendText(res, 200, registry.contentType, text)
    },
  }
}
