import type { GenOptions, GenSignal } from './gen-options.js'
import { IncidentSchedule } from './incident.js'
import { OtlpLogsPayloads } from './log-payload.js'
import { buildMetricCatalog } from './metric-catalog.js'
import { MetricModel } from './metric-model.js'
import { OtlpMetricsPayloads } from './otlp-metrics-payload.js'
import type { Payload, PayloadBuilder } from './payload.js'
import { RemoteWritePayloads } from './remote-write-payload.js'
import { Rng } from './rng.js'
import { ServiceHealth } from './service-health.js'
import { buildTopology } from './topology.js'
import { OtlpTracesPayloads } from './trace-payload.js'

export type PayloadBuilders = Readonly<Partial<Record<GenSignal, PayloadBuilder>>>

type BuilderOptions = Pick<
  GenOptions,
  'signals' | 'metricsProtocol' | 'services' | 'series' | 'incidents' | 'seed'
>

/**
 * One payload builder per requested signal, sharing one simulated system (topology, incidents,
 * random stream). `startMs` is the run's start: incidents and cumulative series count from it.
 * Deterministic: the same options, seed and call sequence give the same bytes.
 */
export function createPayloadBuilders(options: BuilderOptions, startMs: number): PayloadBuilders {
  const topology = buildTopology(options.services)
  const rng = new Rng(options.seed ?? 1)
  const health = new ServiceHealth(
    topology,
    new IncidentSchedule(options.incidents, topology.services, startMs),
  )
  const builders: Partial<Record<GenSignal, PayloadBuilder>> = {}
  for (const signal of options.signals) {
    if (signal === 'metrics') {
      const model = new MetricModel(buildMetricCatalog(topology, options.series), rng, health, startMs)
      builders.metrics =
        options.metricsProtocol === 'otlp'
          ? new OtlpMetricsPayloads(model, topology.services)
          : new RemoteWritePayloads(model)
    } else if (signal === 'logs') builders.logs = new OtlpLogsPayloads(topology, rng, health)
    else builders.traces = new OtlpTracesPayloads(topology, rng, health)
  }
  return builders
}

/**
 * Builds `count` consecutive payloads per signal without sending anything: a pure function for
 * benchmarks that pre-encode (and for the `pool` option). Seqs run from `firstSeq` across all
 * signals in turn; metric timestamps are `startMs`, `startMs + stepMs`, … so every request keeps a
 * distinct identity.
 */
export function buildPayloads(
  options: BuilderOptions & Pick<GenOptions, 'batch'>,
  count: number,
  startMs: number,
  stepMs = 1,
  firstSeq = 1,
): Payload[] {
  const builders = createPayloadBuilders(options, startMs)
  const out: Payload[] = []
  let seq = firstSeq
  for (let k = 0; k < count; k++) {
    for (const signal of options.signals) {
      const builder = builders[signal]
      if (builder !== undefined) out.push(builder.build(seq++, startMs + k * stepMs, options.batch[signal]))
    }
  }
  return out
}
