import type { MachineInfo } from '../machine.js'
import { machineLines } from '../machine.js'
import { fmt, fmtRatio, fmtSummary, summarize } from '../stats.js'
import type { Summary } from '../stats.js'
import { renderMarkdown, renderText } from '../table.js'
import type { Table } from '../table.js'
import type { SuiteReport } from '../suite.js'
import type { RunSample } from './measure.js'
import type { OtlpPayload, RemoteWritePayload, RemoteWriteShape } from './payloads.js'

export interface DecodeBenchPlan {
  readonly runs: number
  readonly secondsPerRun: number
  readonly rw: RemoteWriteShape
  readonly otlpCounters: number
}

export interface DecodeCase {
  /** Matched by `--only`, e.g. `remote_write/RemoteWriteDecoder`, `otlp/counters/json`. */
  readonly id: string
  readonly label: string
  readonly input: string
  readonly inputBytes: number
  /** Data points per call (a histogram point counts once) and samples in the resulting batch. */
  readonly points: number
  readonly samples: number
  /** One decode (or encode) of the payload, throwing unless it succeeded with the expected counts. */
  readonly once: () => void
  readonly runs: RunSample[]
}

export interface DecodeResults {
  readonly plan: DecodeBenchPlan
  readonly command: string
  readonly machine: MachineInfo
  readonly remoteWrite: RemoteWritePayload
  readonly otlp: readonly OtlpPayload[]
  readonly encodedBatchBytes: number
  readonly batchSamples: number
  readonly cases: readonly DecodeCase[]
  readonly elapsedSeconds: number
  readonly loadAverageAtEnd: number
}

/** DESIGN.md §8 reference figures (per core). */
export const REFERENCES = {
  otlpPointsPerSecond: 4e6,
  remoteWriteSamplesPerSecond: 2.5e6,
  ingestGoalSamplesPerSecond: 1e6,
} as const

const millions = (v: number): string => (Number.isFinite(v) ? (v / 1e6).toFixed(2) : '–')
const perSecond = (c: DecodeCase, count: number): Summary =>
  summarize(c.runs.map((r) => (r.iterations * count) / r.seconds))
export const samplesPerSecond = (c: DecodeCase): Summary => perSecond(c, c.samples)
export const pointsPerSecond = (c: DecodeCase): Summary => perSecond(c, c.points)

export function decodeTable(r: DecodeResults, markdown: boolean): Table {
  return {
    header: ['Case', 'Input', 'B/sample', 'Points/call', 'Samples/call', 'M points/s', 'M samples/s'],
    numeric: [2, 3, 4, 5, 6],
    rows: r.cases.map((c) => [
      markdown ? c.label : c.id,
      c.input,
      fmt(c.inputBytes / c.samples),
      fmt(c.points),
      fmt(c.samples),
      fmtSummary(pointsPerSecond(c), millions),
      fmtSummary(samplesPerSecond(c), millions),
    ]),
  }
}

export function renderDecodeReport(r: DecodeResults): SuiteReport {
  const text = [
    `Decode (single core; medians of ${r.plan.runs} run${r.plan.runs === 1 ? '' : 's'} of ~${r.plan.secondsPerRun} s, (min–max))`,
    '',
    renderText(decodeTable(r, false)),
    '',
    ...referenceLines(),
    '',
    interpretation(r),
  ].join('\n')
  return { text, markdown: renderDecodeMarkdown(r) }
}

function referenceLines(): string[] {
  return [
    'References (DESIGN.md §8, per core): hand-written OTLP decoder ~4 M points/s; remote_write ' +
      'snappy+decode ~2.5 M samples/s; goal ≥ 1 M samples/s ingest end to end.',
  ]
}

function find(r: DecodeResults, id: string): DecodeCase | undefined {
  return r.cases.find((c) => c.id === id && c.runs.length > 0)
}

/** One paragraph computed from the medians: each headline against its reference, and the budget. */
export function interpretation(r: DecodeResults): string {
  const parts: string[] = []
  const med = (c: DecodeCase | undefined, pick: (c: DecodeCase) => Summary = samplesPerSecond): number =>
    c === undefined ? Number.NaN : pick(c).median
  const against = (value: number, reference: number): string =>
    `${fmtRatio(value / reference)} the ~${fmt(reference / 1e6)} M reference, ${value >= reference ? 'meeting' : 'short of'} it`

  const rwCold = find(r, 'remote_write/decodeRemoteWrite')
  const rwWarm = find(r, 'remote_write/RemoteWriteDecoder')
  if (rwWarm !== undefined || rwCold !== undefined) {
    const best = rwWarm ?? rwCold!
    let s = `remote_write decodes at ${millions(med(best))} M samples/s per core with ${rwWarm === undefined ? 'no cache' : 'a warm series cache'} (${against(med(best), REFERENCES.remoteWriteSamplesPerSecond)})`
    if (rwWarm !== undefined && rwCold !== undefined)
      s += `; the series cache is worth ${fmtRatio(med(rwWarm) / med(rwCold))} over \`decodeRemoteWrite\` without one (${millions(med(rwCold))} M)`
    parts.push(`${s}.`)
  }
  for (const p of r.otlp) {
    const warm = find(r, `otlp/${p.id}/proto/OtlpMetricsDecoder`)
    const cold = find(r, `otlp/${p.id}/proto/decodeOtlpMetricsProto`)
    const json = find(r, `otlp/${p.id}/json/decodeOtlpMetricsJson`)
    const best = warm ?? cold
    const bits: string[] = []
    if (best !== undefined)
      bits.push(
        `protobuf ${millions(med(best, pointsPerSecond))} M points/s ${warm === undefined ? 'without a cache' : 'warm'} (${against(med(best, pointsPerSecond), REFERENCES.otlpPointsPerSecond)})`,
      )
    if (warm !== undefined && cold !== undefined)
      bits.push(`the cache is worth ${fmtRatio(med(warm) / med(cold))}`)
    if (json !== undefined && best !== undefined)
      bits.push(
        `JSON is ${fmtRatio(med(best) / med(json))} slower than ${warm === undefined ? 'that' : 'warm protobuf'} (${millions(med(json, pointsPerSecond))} M points/s)`,
      )
    else if (json !== undefined) bits.push(`JSON ${millions(med(json, pointsPerSecond))} M points/s`)
    if (bits.length > 0) parts.push(`OTLP ${p.id}: ${bits.join('; ')}.`)
  }
  const enc = find(r, 'batch/encodeMetricBatch')
  const dec = find(r, 'batch/decodeMetricBatch')
  if (enc !== undefined || dec !== undefined) {
    const bytes = r.encodedBatchBytes / r.batchSamples
    const rates = [enc && `encodes at ${millions(med(enc))} M`, dec && `decodes at ${millions(med(dec))} M`]
    parts.push(
      `The log encoding of a metric batch ${rates.filter(Boolean).join(' and ')} samples/s at ${fmt(bytes)} B/sample ` +
        `(the remote_write wire body is ${fmt(r.remoteWrite.body.length / r.remoteWrite.samples)} B/sample).`,
    )
  }
  // Ingest budget: receiving a remote_write sample costs its decode plus its log encoding.
  const ingestDecode = rwWarm ?? rwCold
  if (ingestDecode !== undefined) {
    const perSampleUs = 1e6 / med(ingestDecode) + (enc === undefined ? 0 : 1e6 / med(enc))
    const share = (perSampleUs * REFERENCES.ingestGoalSamplesPerSecond) / 1e6
    const what =
      enc === undefined ? 'remote_write decoding alone' : 'remote_write decoding plus batch encoding'
    parts.push(
      `Against the ≥ 1 M samples/s end-to-end goal, ${what} costs ${fmt(perSampleUs * 1000)} ns/sample, ` +
        (share < 1
          ? `${(share * 100).toFixed(0)}% of one core at 1 M samples/s, leaving ${((1 - share) * 100).toFixed(0)}% for the log append and the engine.`
          : `${fmtRatio(share)} one core at 1 M samples/s: the goal needs more than one core or a faster decoder.`),
    )
  }
  return parts.length === 0 ? 'No cases ran.' : parts.join(' ')
}

export function renderDecodeMarkdown(r: DecodeResults): string {
  const { plan, remoteWrite: rw } = r
  const otlpLines = r.otlp.map(
    (p) =>
      `- OTLP ${p.id}: ${fmt(p.counters)} counter series (\`http.server.requests\`, 5 attributes, 1 point each)` +
      (p.histograms > 0
        ? ` + ${fmt(p.histograms)} explicit-bucket histograms (\`http.server.duration\`, SDK default boundaries)`
        : '') +
      ` = ${fmt(p.points)} points; protobuf ${fmt(p.proto.length)} B, JSON ${fmt(p.json.length)} B, recorded with ` +
      'the OpenTelemetry JS SDK and serialised by its OTLP transformer.',
  )
  return [
    '## Decode',
    '',
    `Command: \`${r.command}\` (code: \`bench/decode/\`; the suite took ${r.elapsedSeconds.toFixed(0)} s, ` +
      `1-min load average at its end ${r.loadAverageAtEnd.toFixed(2)}; the machine is shared, so absolute ` +
      'figures move between runs).',
    '',
    ...machineLines(r.machine).map((l) => `- ${l}`),
    '',
    'Setup. Single core, in-process: each payload is built once, then decoded (or encoded) repeatedly for ' +
      `~${plan.secondsPerRun} s per run, every result checked for success and the expected sample count. ` +
      `Medians of ${plan.runs} run${plan.runs === 1 ? '' : 's'} (cases interleaved run by run) with (min–max). ` +
      '"Warm" decoders have already decoded the same payload, so their series cache holds every series.',
    '',
    `- remote_write: ${fmt(rw.series)} series × ${rw.samplesPerSeries} samples = ${fmt(rw.samples)} samples, ` +
      `${rw.labelsPerSeries} labels per series (Kubernetes-style, a few long values); body ${fmt(rw.body.length)} B ` +
      'snappy-compressed protobuf `WriteRequest`.',
    ...otlpLines,
    `- Metric batch: the \`MetricBatch\` decoded from the remote_write body, \`encodeMetricBatch\` → ` +
      `${fmt(r.encodedBatchBytes)} B (${fmt(r.encodedBatchBytes / r.batchSamples)} B/sample); decoded from an ` +
      '8-byte-aligned buffer as a log record would be.',
    '',
    'B/sample is input bytes per resulting sample (wire body for decoders, encoded batch for the batch codec).',
    '',
    renderMarkdown(decodeTable(r, true)),
    '',
    ...referenceLines(),
    '',
    interpretation(r),
  ].join('\n')
}
