import type { IngestConfig } from '../config.js'
import type { Endpoint } from '../endpoint.js'
import { EventsEndpoint } from './events.js'
import { LokiEndpoint } from './loki.js'
import { OtlpEndpoint } from './otlp.js'
import { OtlpMetricsBodyDecoder } from './otlp-metrics.js'
import { OtlpRecordsBodyDecoder } from './otlp-records.js'
import { RemoteWriteEndpoint } from './remote-write.js'

/** The ingest routes: exact paths, and prefixes ending in `/` (the rest of the path is a parameter). */
export function createEndpoints(config: IngestConfig): Map<string, Endpoint> {
  const l = config.limits
  return new Map<string, Endpoint>([
    ['/v1/metrics', new OtlpEndpoint('metrics', new OtlpMetricsBodyDecoder(l, config.seriesCacheSize))],
    ['/v1/logs', new OtlpEndpoint('logs', new OtlpRecordsBodyDecoder('logs', l))],
    ['/v1/traces', new OtlpEndpoint('traces', new OtlpRecordsBodyDecoder('traces', l))],
    ['/api/v1/write', new RemoteWriteEndpoint(l, config.seriesCacheSize)],
    ['/loki/api/v1/push', new LokiEndpoint(l)],
    ['/api/v1/events/', new EventsEndpoint(l)],
  ])
}
