import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { serialize } from '../../src/ingest/otlp/testing/sdk-payloads.js'
import { remoteWriteBody } from '../../src/ingest/prometheus/testing/write-request-proto.js'
import type { PbTimeSeries } from '../../src/ingest/prometheus/testing/write-request-proto.js'

/**
 * The request bodies the decode suite measures, built once before any timing: realistic
 * remote_write label sets (about 20 labels per series, a few long values), and OTLP payloads
 * recorded with the OpenTelemetry SDK and serialised by its own transformer through `serialize`
 * from `src/ingest/otlp/testing/sdk-payloads.ts`.
 */

export interface RemoteWriteShape {
  readonly series: number
  readonly samplesPerSeries: number
}

export interface RemoteWritePayload extends RemoteWriteShape {
  /** Snappy block-compressed protobuf WriteRequest. */
  readonly body: Uint8Array
  readonly labelsPerSeries: number
  readonly samples: number
}

/** About 20 realistic labels (a few long values) per series, sorted by name as Prometheus sends them. */
function labelSet(s: number): [string, string][] {
  const l: [string, string][] = [
    ['__name__', `http_server_request_duration_seconds_bucket`],
    ['cluster', 'prod-eu-west-1'],
    ['namespace', `team-${s % 17}`],
    ['service', `svc-${s % 200}`],
    ['pod', `svc-${s % 200}-7d9f8b6c5-${(s * 7919).toString(36).padStart(5, 'x')}`],
    ['instance', `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}:9090`],
    ['job', 'kubernetes-pods'],
    ['container', 'app'],
    ['method', ['GET', 'POST', 'PUT', 'DELETE'][s % 4]!],
    ['status_code', String(200 + (s % 5))],
    ['le', String(0.005 * 2 ** (s % 12))],
    ['route', `/api/v1/resources/{id}/children/${s % 50}`],
    ['node', `ip-10-0-${s % 64}-${s % 251}.eu-west-1.compute.internal`],
    ['zone', `eu-west-1${'abc'[s % 3]}`],
    ['region', 'eu-west-1'],
    ['env', 'production'],
    ['version', `v1.${s % 30}.${s % 7}`],
    ['team', `team-${s % 17}`],
    ['image', `registry.example.com/platform/svc-${s % 200}@sha256:${'0123456789abcdef'.repeat(4)}`],
    [
      'user_agent',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari',
    ],
  ]
  return l.sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

export function remoteWritePayload(shape: RemoteWriteShape): RemoteWritePayload {
  const timeseries: PbTimeSeries[] = []
  let labelsPerSeries = 0
  for (let s = 0; s < shape.series; s++) {
    const labels = labelSet(s)
    labelsPerSeries = labels.length
    const samples = []
    for (let i = 0; i < shape.samplesPerSeries; i++)
      samples.push({ value: (s * 31 + i) / 7, timestamp: 1_700_000_000_000 + i * 15_000 })
    timeseries.push({ labels: labels.map(([name, value]) => ({ name, value })), samples })
  }
  return {
    ...shape,
    body: remoteWriteBody({ timeseries }),
    labelsPerSeries,
    samples: shape.series * shape.samplesPerSeries,
  }
}

export interface OtlpShape {
  readonly counters: number
  /** Explicit-bucket histograms (the SDK's default aggregation and boundaries), on every 10th series. */
  readonly histograms: number
}

export interface OtlpPayload extends OtlpShape {
  readonly id: 'counters' | 'counters+histograms'
  readonly proto: Uint8Array
  readonly json: Uint8Array
  /** Data points in the request (a histogram point counts once). */
  readonly points: number
}

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** `counters` counter series with 5 attributes and 1 point each, plus a histogram on every 10th. */
export async function otlpPayload(counters: number, withHistograms: boolean): Promise<OtlpPayload> {
  const reader = new ManualReader({ cardinalitySelector: () => counters + 1 })
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'pod-1' }),
    readers: [reader],
  })
  const meter = provider.getMeter('bench')
  const counter = meter.createCounter('http.server.requests')
  const histogram = meter.createHistogram('http.server.duration')
  let histograms = 0
  for (let i = 0; i < counters; i++) {
    const attrs = {
      'http.method': i % 3 === 0 ? 'POST' : 'GET',
      'http.route': `/api/v1/items/${i % 500}`,
      'http.status_code': 200 + (i % 5),
      'net.host.name': `host-${i % 20}`,
      'series.id': i,
    }
    counter.add(i + 1, attrs)
    if (withHistograms && i % 10 === 0) {
      histogram.record(i % 1000, attrs)
      histograms++
    }
  }
  const { resourceMetrics, errors } = await reader.collect()
  await provider.shutdown()
  if (errors.length > 0) throw new Error(`OTLP payload: collect failed: ${String(errors[0])}`)
  const { proto, json } = serialize(resourceMetrics)
  return {
    id: withHistograms ? 'counters+histograms' : 'counters',
    counters,
    histograms,
    proto,
    json,
    points: counters + histograms,
  }
}
