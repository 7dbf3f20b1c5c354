export { authorizeQuery } from './query-auth.js'
export {
  DEFAULT_QUERY_BODY_BYTES,
  QueryRequestError,
  promErrorOf,
  promErrorTypes,
  readBody,
  readQueryParams,
  sendPromError,
  sendPromSuccess,
} from './respond.js'
export type { PromError, PromErrorType, QueryBodyLimits } from './respond.js'
export { telemetryRoutes } from './telemetry-routes.js'
// Also part of telemetryRoutes: register one or the other, never both.
export { anomalyRoutes } from './anomaly-routes.js'
export type { TelemetryQueryLimits, TelemetryRouteDeps } from './telemetry-routes.js'
