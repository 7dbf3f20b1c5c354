import type { ListenAddress } from '../../api/index.js'

export interface StartupHintOptions {
  readonly version: string
  readonly api: ListenAddress
  readonly ingest: ListenAddress
  readonly auth: string
  readonly dataDir: string
  readonly fsync: string
}

/** The human-readable "where is it and what do I try first" block printed once Vigil is ready. */
export function formatStartupHint(options: StartupHintOptions): string {
  const base = `http://${urlHost(options.api.host)}:${options.api.port}`
  const ingest = `http://${urlHost(options.ingest.host)}:${options.ingest.port}`
  const authNote =
    options.auth === 'none'
      ? 'auth: none — development mode, no API key needed'
      : 'auth: keys — send Authorization: Bearer <key>'
  return [
    `Vigil ${options.version} is running (all-in-one).`,
    `  Ingest     ${ingest}  (${authNote})`,
    `             OTLP/HTTP ${ingest}/v1/{metrics,logs,traces} · remote_write ${ingest}/api/v1/write`,
    `             Loki ${ingest}/loki/api/v1/push · events ${ingest}/api/v1/events/<stream>`,
    `  API        ${base}  (listening on ${options.api.host}:${options.api.port})`,
    `  Data dir   ${options.dataDir}  (fsync: ${options.fsync})`,
    `  Send data  vigil gen --url ${ingest}        (synthetic metrics, logs and traces)`,
    `             or point an OTel exporter at OTEL_EXPORTER_OTLP_ENDPOINT=${ingest}`,
    `  Try        curl ${base}/readyz`,
    `             curl ${base}/api/v1/ingest/status`,
    `             curl ${base}/api/v1/engine/status`,
    `             curl ${base}/api/v1/store/status`,
    `             curl ${base}/metrics`,
    `  Query      curl ${base}/api/v1/query --data-urlencode 'query=sum by (service) (rate(http_requests_total[5m]))'`,
    `             curl '${base}/api/v1/logs?severity=warn&limit=20'`,
    `             Grafana: a Prometheus data source at ${base} (docs/query.md)`,
    `  Inspect    vigil log inspect --data-dir ${options.dataDir}`,
    `  Results    vigil log dump --data-dir ${options.dataDir} --topic vigil.results.rollups --full`,
    `  Stop       Ctrl-C (SIGINT) or SIGTERM`,
    '',
  ].join('\n')
}

/** A host as it must appear in a URL you can curl: wildcard addresses become loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '[::1]'
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`
  return host
}
