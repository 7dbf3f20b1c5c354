import { performance } from 'node:perf_hooks'
import { RemoteWriteDecoder, decodeRemoteWrite } from '../decode-remote-write.js'
import { remoteWriteBody } from './write-request-proto.js'
import type { PbTimeSeries } from './write-request-proto.js'

/**
 * A one-off measurement, not a test: `node dist/src/ingest/prometheus/testing/measure-decode.js
 * [series] [samplesPerSeries] [seconds]`. Builds a realistic remote_write body (about 20 labels per
 * series, a few long values), then decodes it repeatedly and prints samples/s.
 */
const seriesCount = Number(process.argv[2] ?? 10_000)
const perSeries = Number(process.argv[3] ?? 10)
const seconds = Number(process.argv[4] ?? 5)

const timeseries: PbTimeSeries[] = []
for (let s = 0; s < seriesCount; s++) {
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
  const samples = []
  for (let i = 0; i < perSeries; i++)
    samples.push({ value: (s * 31 + i) / 7, timestamp: 1_700_000_000_000 + i * 15_000 })
  l.sort((a, b) => (a[0] < b[0] ? -1 : 1))
  timeseries.push({ labels: l.map(([name, value]) => ({ name, value })), samples })
}
const body = remoteWriteBody({ timeseries })
const samplesPerBody = seriesCount * perSeries
console.log(`body: ${(body.length / 1024 / 1024).toFixed(2)} MiB snappy, ${samplesPerBody} samples`)

function measure(what: string, decode: (b: Uint8Array) => ReturnType<typeof decodeRemoteWrite>): void {
  const warm = decode(body)
  if (!warm.ok || warm.batch.length !== samplesPerBody) throw new Error('decode failed')
  let n = 0
  const start = performance.now()
  while (performance.now() - start < seconds * 1000) {
    decode(body)
    n++
  }
  const elapsed = (performance.now() - start) / 1000
  const rate = (n * samplesPerBody) / elapsed / 1e6
  console.log(`${what}: ${n} decodes in ${elapsed.toFixed(2)} s: ${rate.toFixed(2)} M samples/s`)
}

measure('decodeRemoteWrite (no cache)', (b) => decodeRemoteWrite(b, 't'))
const decoder = new RemoteWriteDecoder()
measure('RemoteWriteDecoder (series cache)', (b) => decoder.decode(b, 't'))
