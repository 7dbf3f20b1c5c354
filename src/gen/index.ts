export { runGenerator } from './run-generator.js'
export type { RunGeneratorDeps } from './run-generator.js'
export {
  DEFAULT_BENCH_POOL,
  DEFAULT_GEN_OPTIONS,
  DEMO_GEN_OPTIONS,
  checkGenOptions,
  genSignals,
  metricsProtocols,
  resolveGenOptions,
} from './gen-options.js'
export type { GenOptions, GenOptionsInput, GenSignal, MetricsProtocol } from './gen-options.js'
export { DEFAULT_INCIDENT_AT_S, incidentKinds, parseIncident } from './incident.js'
export type { IncidentKind, IncidentSpec } from './incident.js'
export type { GenProgress, GenSummary, SignalCounts } from './gen-stats.js'
export { formatProgress, formatSummary } from './format-progress.js'
export { buildPayloads, createPayloadBuilders } from './payload-builders.js'
export type { PayloadBuilders } from './payload-builders.js'
export type { Payload, PayloadBuilder, PayloadProtocol } from './payload.js'
export { ackLine, openAckFile } from './ack-log.js'
export type { AckLog } from './ack-log.js'
export { createHttpTransport } from './http-transport.js'
export type { SendOutcome, Transport } from './http-transport.js'
export type { Sleep } from './sleep.js'
