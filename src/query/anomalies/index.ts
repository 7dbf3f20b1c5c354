export {
  ANOMALY_LIMIT_DEFAULT,
  ANOMALY_LIMIT_MAX,
  parseAnomalyQuery,
  queryAnomalies,
} from './anomaly-query.js'
export type { AnomalyPage, AnomalyQuery } from './anomaly-query.js'
export { jsonNumber } from './anomaly-entry.js'
export type { AnomalyEntry, JsonNumber } from './anomaly-entry.js'
export type { AnomalyCursor } from './anomaly-cursor.js'
export { keyLabels } from './key-labels.js'
