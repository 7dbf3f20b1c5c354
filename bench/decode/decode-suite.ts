import * as os from 'node:os'
import { decodeMetricBatch, encodeMetricBatch } from '../../src/core/batch/index.js'
import type { MetricBatch } from '../../src/core/batch/index.js'
import {
  OtlpMetricsDecoder,
  decodeOtlpMetricsJson,
  decodeOtlpMetricsProto,
} from '../../src/ingest/otlp/index.js'
import { RemoteWriteDecoder, decodeRemoteWrite } from '../../src/ingest/prometheus/index.js'
import type { BenchOptions, BenchSuite, SuiteReport } from '../suite.js'
import { expectDecoded, timeCase } from './measure.js'
import { otlpPayload, remoteWritePayload } from './payloads.js'
import type { OtlpPayload } from './payloads.js'
import { renderDecodeReport } from './report.js'
import type { DecodeBenchPlan, DecodeCase, DecodeResults } from './report.js'

/**
 * `npm run bench -- decode`: single-core, in-process decode throughput of the ingest formats
 * (Prometheus remote_write, OTLP metrics protobuf and JSON) and of the log encoding of a metric
 * batch. Payloads are built once; each case then decodes the same bytes repeatedly for a bounded
 * time per run, checking every result. Cases are interleaved run by run.
 */
export const decodeSuite: BenchSuite = {
  name: 'decode',
  description: 'ingest decode: remote_write, OTLP proto/JSON, metric batch log encoding (1 core)',
  run: runDecodeSuite,
}

const TENANT = 'bench'

export function decodeBenchPlan(quick: boolean, runs: number | undefined): DecodeBenchPlan {
  return quick
    ? { runs: runs ?? 1, secondsPerRun: 0.1, rw: { series: 200, samplesPerSeries: 10 }, otlpCounters: 200 }
    : {
        runs: runs ?? 5,
        secondsPerRun: 1.5,
        rw: { series: 10_000, samplesPerSeries: 10 },
        otlpCounters: 10_000,
      }
}

async function runDecodeSuite(options: BenchOptions): Promise<SuiteReport> {
  const plan = decodeBenchPlan(options.quick, options.runs)
  const wanted = (id: string): boolean => options.only === undefined || id.includes(options.only)
  const started = performance.now()

  options.progress('  building payloads…')
  const rw = remoteWritePayload(plan.rw)
  const reference = decodeRemoteWrite(rw.body, TENANT)
  expectDecoded('remote_write payload', reference, rw.samples)
  const rwBatch = (reference as { batch: MetricBatch }).batch
  const encoded = encodeMetricBatch(rwBatch)
  // A fresh ArrayBuffer at offset 0: 8-byte aligned like a record in the log, so decode is a view.
  const stored = new Uint8Array(encoded.length)
  stored.set(encoded)
  const otlp = [await otlpPayload(plan.otlpCounters, false), await otlpPayload(plan.otlpCounters, true)]

  const cases: DecodeCase[] = []
  const rwInput = `${fmtMiB(rw.body.length)} snappy+protobuf`
  const rwDecoder = new RemoteWriteDecoder()
  cases.push(
    {
      id: 'remote_write/decodeRemoteWrite',
      label: 'remote_write, `decodeRemoteWrite` (no cache)',
      input: rwInput,
      inputBytes: rw.body.length,
      points: rw.samples,
      samples: rw.samples,
      once: () => expectDecoded('decodeRemoteWrite', decodeRemoteWrite(rw.body, TENANT), rw.samples),
      runs: [],
    },
    {
      id: 'remote_write/RemoteWriteDecoder',
      label: 'remote_write, warm `RemoteWriteDecoder`',
      input: rwInput,
      inputBytes: rw.body.length,
      points: rw.samples,
      samples: rw.samples,
      once: () => expectDecoded('RemoteWriteDecoder', rwDecoder.decode(rw.body, TENANT), rw.samples),
      runs: [],
    },
  )
  for (const p of otlp) cases.push(...otlpCases(p))
  cases.push(
    {
      id: 'batch/encodeMetricBatch',
      label: 'metric batch, `encodeMetricBatch`',
      input: `remote_write batch (${fmtMiB(encoded.length)} encoded)`,
      inputBytes: encoded.length,
      points: rwBatch.length,
      samples: rwBatch.length,
      once: () => {
        const out = encodeMetricBatch(rwBatch)
        if (out.length !== encoded.length)
          throw new Error(`encodeMetricBatch: ${out.length} bytes, expected ${encoded.length}`)
      },
      runs: [],
    },
    {
      id: 'batch/decodeMetricBatch',
      label: 'metric batch, `decodeMetricBatch`',
      input: `${fmtMiB(encoded.length)} encoded batch`,
      inputBytes: encoded.length,
      points: rwBatch.length,
      samples: rwBatch.length,
      once: () => expectDecoded('decodeMetricBatch', decodeMetricBatch(stored), rwBatch.length),
      runs: [],
    },
  )
  const selected = cases.filter((c) => wanted(c.id))

  for (let run = 1; run <= plan.runs; run++) {
    for (const c of selected) {
      const sample = timeCase(c.once, plan.secondsPerRun)
      c.runs.push(sample)
      const rate = (sample.iterations * c.samples) / sample.seconds / 1e6
      options.progress(
        `  run ${run}/${plan.runs} ${c.id.padEnd(54)} ${rate.toFixed(2).padStart(7)} M samples/s` +
          `  (${sample.iterations} × ${c.samples} samples in ${sample.seconds.toFixed(2)} s)`,
      )
    }
  }

  const results: DecodeResults = {
    plan,
    command: options.command,
    machine: options.machine,
    remoteWrite: rw,
    otlp,
    encodedBatchBytes: encoded.length,
    batchSamples: rwBatch.length,
    cases: selected,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
  }
  return renderDecodeReport(results)
}

function otlpCases(p: OtlpPayload): DecodeCase[] {
  const first = decodeOtlpMetricsProto(p.proto, TENANT)
  if (!first.ok) throw new Error(`OTLP ${p.id} payload: decode failed: ${first.reason}`)
  if (first.accepted !== p.points || first.rejected !== 0)
    throw new Error(
      `OTLP ${p.id} payload: ${first.accepted} points accepted, ${first.rejected} rejected, expected ${p.points}`,
    )
  const samples = first.batch.length
  const check = (what: string, result: ReturnType<typeof decodeOtlpMetricsProto>): void => {
    expectDecoded(what, result, samples)
    if (result.ok && result.accepted !== p.points)
      throw new Error(`${what}: ${result.accepted} points accepted, expected ${p.points}`)
  }
  const decoder = new OtlpMetricsDecoder()
  const base = { points: p.points, samples, runs: [] }
  const proto = { input: `${fmtMiB(p.proto.length)} protobuf`, inputBytes: p.proto.length }
  const json = { input: `${fmtMiB(p.json.length)} JSON`, inputBytes: p.json.length }
  return [
    {
      ...base,
      ...proto,
      id: `otlp/${p.id}/proto/decodeOtlpMetricsProto`,
      label: `OTLP ${p.id}, \`decodeOtlpMetricsProto\` (no cache)`,
      once: () => check('decodeOtlpMetricsProto', decodeOtlpMetricsProto(p.proto, TENANT)),
      runs: [],
    },
    {
      ...base,
      ...proto,
      id: `otlp/${p.id}/proto/OtlpMetricsDecoder`,
      label: `OTLP ${p.id}, warm \`OtlpMetricsDecoder\``,
      once: () => check('OtlpMetricsDecoder', decoder.decodeProto(p.proto, TENANT)),
      runs: [],
    },
    {
      ...base,
      ...json,
      id: `otlp/${p.id}/json/decodeOtlpMetricsJson`,
      label: `OTLP ${p.id}, \`decodeOtlpMetricsJson\``,
      once: () => check('decodeOtlpMetricsJson', decodeOtlpMetricsJson(p.json, TENANT)),
      runs: [],
    },
  ]
}

function fmtMiB(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
}
