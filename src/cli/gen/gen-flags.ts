import { DEFAULT_GEN_OPTIONS, genSignals, parseIncident } from '../../gen/index.js'
import type { GenOptionsInput, GenSignal, IncidentSpec, MetricsProtocol } from '../../gen/index.js'
import { UsageError } from '../usage-error.js'

const d = DEFAULT_GEN_OPTIONS

/** The flags of `vigil gen`, as cac takes them, with their help text. */
export const genFlags: readonly (readonly [rawName: string, description: string])[] = [
  ['--url <url>', `Base URL of the Vigil ingest listener (default: ${d.url})`],
  ['--signals <list>', `Comma-separated: metrics, logs, traces (default: ${d.signals.join(',')})`],
  ['--metrics-protocol <p>', `remote_write | otlp (default: ${d.metricsProtocol})`],
  ['--services <n>', `Simulated services (default: ${d.services})`],
  ['--series <n>', `Metric series in total, over all services (default: ${d.series})`],
  [
    '--rate <n>',
    'Records per second per signal: samples, log lines, spans; 0 = as fast as possible (default: 0)',
  ],
  ['--duration <seconds>', 'Stop after this long; 0 = until Ctrl-C (default: 0)'],
  ['--concurrency <n>', `Requests in flight at most (default: ${d.concurrency})`],
  [
    '--batch <n>',
    `Records per request, for every signal or per signal as metrics=N,logs=N,traces=N (default: metrics=${d.batch.metrics},logs=${d.batch.logs},traces=${d.batch.traces})`,
  ],
  ['--api-key <key>', 'Sent as "Authorization: Bearer <key>"'],
  ['--tenant <tenant>', 'Sent as "X-Scope-OrgID: <tenant>"'],
  ['--ack-file <path>', 'Append one NDJSON line per acknowledged (2xx) request (see docs/gen.md)'],
  [
    '--incident <spec>',
    'Inject KIND[@SECONDS][:SERVICE]; KIND: spike, level-shift, latency, new-log-pattern (repeatable)',
  ],
  [
    '--pool <n>',
    'Cycle N pre-encoded payloads per signal (default: 32 with --rate 0 and no --ack-file, else 0)',
  ],
  ['--seed <n>', 'Seed of the simulated data, for reproducible runs (default: from the clock)'],
  ['--timeout-ms <ms>', `Per-request timeout (default: ${d.timeoutMs})`],
  ['--quiet', 'No progress line and no summary'],
]

/**
 * Options cac parsed → `GenOptionsInput` (only what the user gave). Rejects with a `UsageError`
 * naming every malformed flag; range rules are checked later by `resolveGenOptions`.
 */
export function genInputFromFlags(flags: Readonly<Record<string, unknown>>): GenOptionsInput {
  const problems: string[] = []
  const input: Record<string, unknown> = {}
  const num = (key: string, flag: string, target = key): void => {
    const raw = flags[key]
    if (raw === undefined) return
    const v =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN
    if (Array.isArray(raw)) problems.push(`${flag}: given more than once`)
    else if (!Number.isFinite(v)) problems.push(`${flag}: expected a number, got ${JSON.stringify(raw)}`)
    else input[target] = v
  }
  const str = (key: string, flag: string): void => {
    const raw = flags[key]
    if (raw === undefined) return
    if (Array.isArray(raw) || typeof raw === 'boolean') problems.push(`${flag}: expected one value`)
    else input[key] = String(raw)
  }
  str('url', '--url')
  str('apiKey', '--api-key')
  str('tenant', '--tenant')
  str('ackFile', '--ack-file')
  str('metricsProtocol', '--metrics-protocol')
  if (typeof input['metricsProtocol'] === 'string')
    input['metricsProtocol'] = input['metricsProtocol'] as MetricsProtocol
  num('services', '--services')
  num('series', '--series')
  num('rate', '--rate')
  num('duration', '--duration', 'durationS')
  num('concurrency', '--concurrency')
  num('pool', '--pool')
  num('seed', '--seed')
  num('timeoutMs', '--timeout-ms')
  if (flags['signals'] !== undefined) input['signals'] = parseSignals(String(flags['signals']), problems)
  if (flags['batch'] !== undefined) input['batch'] = parseBatch(String(flags['batch']), problems)
  if (flags['incident'] !== undefined) input['incidents'] = parseIncidents(flags['incident'], problems)
  if (problems.length > 0) throw new UsageError(`invalid flags: ${problems.join('; ')}`)
  return input as GenOptionsInput
}

function parseSignals(text: string, problems: string[]): GenSignal[] {
  const out: GenSignal[] = []
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if ((genSignals as readonly string[]).includes(part)) out.push(part as GenSignal)
    else problems.push(`--signals: unknown signal "${part}" (metrics, logs, traces)`)
  }
  return [...new Set(out)]
}

function parseBatch(text: string, problems: string[]): Partial<Record<GenSignal, number>> {
  if (/^\d+$/.test(text.trim())) {
    const n = Number(text)
    return { metrics: n, logs: n, traces: n }
  }
  const out: Partial<Record<GenSignal, number>> = {}
  for (const part of text.split(',')) {
    const m = /^\s*(metrics|logs|traces)\s*=\s*(\d+)\s*$/.exec(part)
    if (m === null) problems.push(`--batch: expected N or metrics=N,logs=N,traces=N, got "${part}"`)
    else out[m[1] as GenSignal] = Number(m[2])
  }
  return out
}

function parseIncidents(raw: unknown, problems: string[]): IncidentSpec[] {
  const out: IncidentSpec[] = []
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    try {
      out.push(parseIncident(String(item)))
    } catch (err) {
      problems.push(`--incident: ${(err as Error).message}`)
    }
  }
  return out
}
