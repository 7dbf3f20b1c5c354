/**
 * Measures decode speed once (not a test): `node dist/src/ingest/otlp/testing/measure-decode.js
 * [series] [rounds]`. Records `series` counter series (5 attributes each, 1 point per series), then
 * the same plus a default-bucket histogram on 1/10 of them, with the OpenTelemetry SDK; serialises
 * with its protobuf and JSON serialisers and decodes each payload repeatedly. Prints points/s and
 * samples/s.
 */
import { performance } from 'node:perf_hooks'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { decodeOtlpMetricsJson } from '../decode-metrics-json.js'
import { decodeOtlpMetricsProto } from '../decode-metrics.js'
import type { DecodeResult } from '../decode-result.js'
import { OtlpMetricsDecoder } from '../otlp-metrics-decoder.js'
import { serialize } from './sdk-payloads.js'

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const series = Number(process.argv[2] ?? 10_000)
const rounds = Number(process.argv[3] ?? 50)

async function payload(withHistograms: boolean): Promise<ReturnType<typeof serialize>> {
  const reader = new ManualReader({ cardinalitySelector: () => series + 1 })
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'pod-1' }),
    readers: [reader],
  })
  const meter = provider.getMeter('measure')
  const counter = meter.createCounter('http.server.requests')
  const histogram = meter.createHistogram('http.server.duration')
  for (let i = 0; i < series; i++) {
    const attrs = {
      'http.method': i % 3 === 0 ? 'POST' : 'GET',
      'http.route': `/api/v1/items/${i % 500}`,
      'http.status_code': 200 + (i % 5),
      'net.host.name': `host-${i % 20}`,
      'series.id': i,
    }
    counter.add(i, attrs)
    if (withHistograms && i % 10 === 0) histogram.record(i % 1000, attrs)
  }
  const { resourceMetrics } = await reader.collect()
  await provider.shutdown()
  return serialize(resourceMetrics)
}

function measure(name: string, decode: () => DecodeResult): void {
  const first = decode()
  if (!first.ok) throw new Error(first.reason)
  for (let i = 0; i < 5; i++) decode()
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) decode()
  const s = (performance.now() - t0) / 1000
  const points = (first.accepted * rounds) / s
  const samples = (first.batch.length * rounds) / s
  console.log(
    `${name}: ${first.accepted} points (${first.batch.length} samples) per request; ` +
      `${(points / 1e6).toFixed(2)} M points/s, ${(samples / 1e6).toFixed(2)} M samples/s`,
  )
}

for (const withHistograms of [false, true]) {
  const { proto, json } = await payload(withHistograms)
  const what = withHistograms ? `${series} counters + ${series / 10} histograms` : `${series} counters`
  console.log(`${what}: protobuf ${proto.length} bytes, JSON ${json.length} bytes`)
  const decoder = new OtlpMetricsDecoder()
  measure('  protobuf, series cache warm (OtlpMetricsDecoder)', () => decoder.decodeProto(proto, 'acme'))
  measure('  protobuf, no cache across requests', () => decodeOtlpMetricsProto(proto, 'acme'))
  measure('  json', () => decodeOtlpMetricsJson(json, 'acme'))
}
