// The query module's public surface for the pipeline: the HTTP routes over the store and the
// anomalies query (logs, traces and PromQL keep their own index files under http/, logs/, traces/).
export { telemetryRoutes } from './http/index.js'
export type { TelemetryQueryLimits, TelemetryRouteDeps } from './http/index.js'
export {
  ANOMALY_LIMIT_DEFAULT,
  ANOMALY_LIMIT_MAX,
  jsonNumber,
  keyLabels,
  parseAnomalyQuery,
  queryAnomalies,
} from './anomalies/index.js'
export type { AnomalyEntry, AnomalyPage, AnomalyQuery, JsonNumber } from './anomalies/index.js'
