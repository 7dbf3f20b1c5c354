import { alertPaths } from './alert-paths.js'
import { anomalyPaths } from './anomaly-paths.js'
import { components } from './components.js'
import type { OpenApiDocument, PathItem, Tag } from './openapi-types.js'
import { promqlPaths } from './promql-paths.js'
import { statusPaths } from './status-paths.js'
import { telemetryPaths } from './telemetry-paths.js'

export interface OpenApiOptions {
  /** Vigil's version (package.json), shown as `info.version`. */
  readonly version: string
  /**
   * Whether the query endpoints (PromQL, logs, traces, anomalies) are served: they are only with the store
   * enabled. Default true.
   */
  readonly queryApi?: boolean
  /**
   * Whether the alerting endpoints (`/api/v1/alerts`, its history and acknowledgements,
   * `/api/v1/silences`) are served: they are when the alerting service runs. Default false.
   */
  readonly alertApi?: boolean
}

/**
 * The OpenAPI 3.1 description of the API listener: health, metrics, status, (with the store) the
 * PromQL, logs, traces and anomalies query endpoints, and (with alerting) alerts and silences. Not the
 * ingest listener. Kept in step with the routes the
 * app registers by `src/pipeline/openapi.test.ts`, both ways.
 *
 * Example:
 * ```ts
 * const route = openapiRoute(openapiDocument({ version: packageVersion() }))
 * ```
 */
export function openapiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths: Record<string, PathItem> = { ...statusPaths }
  if (options.queryApi ?? true) Object.assign(paths, promqlPaths, telemetryPaths, anomalyPaths)
  const alertTags: Tag[] = []
  if (options.alertApi ?? false) {
    Object.assign(paths, alertPaths)
    alertTags.push(
      { name: 'alerts', description: "Alerts of the tenant's rules, their state changes, acknowledgements." },
      { name: 'silences', description: "Silences, in Alertmanager's v2 shapes." },
    )
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: options.version,
      description:
        'The API listener of Vigil (default 127.0.0.1:8080): health, metrics and status, and the query ' +
        "API over the store: Prometheus' query API (`/api/v1/query`, … as Grafana's Prometheus data " +
        "source calls it), logs, traces and anomalies. Query endpoints answer for the caller's tenant only and " +
        'report errors in Prometheus\' shape `{status: "error", errorType, error}`. The listener ' +
        'itself answers an unknown path 404, a known path with another method 405 (with `Allow`), ' +
        'both as `{error}`; HEAD is answered like GET.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [
      { name: 'health', description: 'Liveness and readiness probes.' },
      { name: 'metrics', description: "Vigil's own metrics for Prometheus to scrape." },
      { name: 'status', description: 'The state of ingest, engine and store, as JSON.' },
      { name: 'promql', description: "Prometheus' query API over the raw samples in the store." },
      { name: 'logs', description: 'Log search.' },
      { name: 'traces', description: 'Trace search and trace trees.' },
      { name: 'anomalies', description: "The detectors' scored points on the engine's results." },
      ...alertTags,
      { name: 'meta', description: 'This description.' },
    ],
    paths,
    components,
  }
}
