import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics'

/**
 * Real OTLP metrics payloads for tests, recorded with the OpenTelemetry JS SDK and serialised by
 * its own OTLP transformer (protobuf and JSON) — encoders nobody in this repository wrote.
 */

/** A reader that collects on demand (the SDK's MetricReader is abstract). */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export const HISTOGRAM_BOUNDS = [10, 50, 100, 500] as const

export interface SdkPayload {
  readonly proto: Uint8Array
  readonly json: Uint8Array
  readonly resourceMetrics: ResourceMetrics
}

/** Serialises collected metrics both ways. */
export function serialize(resourceMetrics: ResourceMetrics): SdkPayload {
  const proto = ProtobufMetricsSerializer.serializeRequest(resourceMetrics)
  const json = JsonMetricsSerializer.serializeRequest(resourceMetrics)
  if (proto === undefined || json === undefined) throw new Error('the SDK serialiser returned nothing')
  return { proto, json, resourceMetrics }
}

/**
 * One collection of: a counter (`http.server.requests`, two attribute sets), an up-down counter
 * (`queue.depth`), an observable gauge (`process.cpu.utilization`, a double), a histogram with
 * explicit buckets (`http.server.duration`), and an exponential histogram (`rpc.latency`), from a
 * resource with service.name `checkout`, service.namespace `shop` and service.instance.id `pod-1`.
 */
export async function recordSdkMetrics(): Promise<SdkPayload> {
  const reader = new ManualReader()
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'pod-1',
      'host.name': 'node-7',
    }),
    views: [
      {
        instrumentName: 'http.server.duration',
        aggregation: {
          type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
          options: { boundaries: [...HISTOGRAM_BOUNDS] },
        },
      },
      { instrumentName: 'rpc.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
    readers: [reader],
  })
  const meter = provider.getMeter('vigil-test', '1.0.0')
  const requests = meter.createCounter('http.server.requests')
  requests.add(3, { 'http.method': 'GET', 'http.status_code': 200 })
  requests.add(2, { 'http.method': 'GET', 'http.status_code': 200 })
  requests.add(1, { 'http.method': 'POST', 'http.status_code': 500, 'is.retry': true })
  const depth = meter.createUpDownCounter('queue.depth')
  depth.add(10, { queue: 'orders' })
  depth.add(-4, { queue: 'orders' })
  const cpu = meter.createObservableGauge('process.cpu.utilization')
  cpu.addCallback((result) => result.observe(0.25, { cpu: 'total', ratio: 1.5 }))
  const duration = meter.createHistogram('http.server.duration', { unit: 'ms' })
  for (const v of [5, 20, 20, 70, 300, 900]) duration.record(v, { route: '/cart' })
  const latency = meter.createHistogram('rpc.latency')
  for (const v of [1, 2, 4, 8]) latency.record(v, { method: 'Get' })
  const { resourceMetrics, errors } = await reader.collect()
  await provider.shutdown()
  if (errors.length > 0) throw new Error(`collect failed: ${String(errors[0])}`)
  return serialize(resourceMetrics)
}
