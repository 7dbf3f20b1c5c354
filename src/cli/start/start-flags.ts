import type { z } from 'zod'
import { createDefaultAllInOneConfig } from '../../pipeline/index.js'
import { UsageError } from '../usage-error.js'

/**
 * The flags of `vigil start` as data: each names the config fields it sets, so the option list,
 * `--help`, the flags → config mapping and the error messages all come from this one table.
 * A config file (`--config`) fills the same object underneath the flags.
 */
export type ConfigPath = readonly [section: string, field: string]

export interface FlagSpec {
  /** As cac takes it, e.g. `--api-port <port>`. */
  readonly rawName: string
  readonly kind: 'string' | 'integer'
  /** Config fields set by the flag (one flag may feed several, e.g. a shared host). */
  readonly targets: readonly ConfigPath[]
  readonly description: string
}

const defaults = createDefaultAllInOneConfig()

export const startFlags: readonly FlagSpec[] = [
  {
    rawName: '--data-dir <dir>',
    kind: 'string',
    targets: [['log', 'dataDir']],
    description: `Directory of the embedded log; created if missing (default: ${defaults.log.dataDir})`,
  },
  {
    rawName: '--ingest-port <port>',
    kind: 'integer',
    targets: [['ingest', 'port']],
    description: `Port of the ingest listener: OTLP/HTTP, remote_write, Loki push, events (default: ${defaults.ingest.port})`,
  },
  {
    rawName: '--api-port <port>',
    kind: 'integer',
    targets: [['api', 'port']],
    description: `Port of the API listener: /healthz, /readyz, /metrics (default: ${defaults.api.port})`,
  },
  {
    rawName: '--host <addr>',
    kind: 'string',
    targets: [
      ['api', 'host'],
      ['ingest', 'host'],
    ],
    description: `Address both listeners bind to; 0.0.0.0 for all interfaces (default: ${defaults.api.host})`,
  },
  {
    rawName: '--auth <mode>',
    kind: 'string',
    targets: [['auth', 'mode']],
    description: `none (development: no API keys) | keys (API keys from \`vigil keys create\`) (default: ${defaults.auth.mode})`,
  },
  {
    rawName: '--fsync <policy>',
    kind: 'string',
    targets: [['log', 'fsync']],
    description: `When appends are acknowledged: always | interval | none (default: ${defaults.log.fsync})`,
  },
  {
    rawName: '--fsync-interval-ms <ms>',
    kind: 'integer',
    targets: [['log', 'fsyncIntervalMs']],
    description: `With --fsync interval: longest wait for the group fsync (default: ${defaults.log.fsyncIntervalMs})`,
  },
]

/** `--fsync-interval-ms <ms>` → `fsyncIntervalMs`, the key cac gives the parsed value. */
export function optionKey(rawName: string): string {
  const long = rawName.split(/[\s,]+/).find((part) => part.startsWith('--')) ?? rawName
  return long.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
}

export function flagName(spec: FlagSpec): string {
  return spec.rawName.split(' ')[0] ?? spec.rawName
}

/**
 * Builds the config input (sections of fields) from the options cac parsed. Only flags the user gave
 * appear, so defaults (and later a config file) stay underneath. Rejects with a `UsageError` naming
 * every malformed flag.
 */
export function configInputFromFlags(
  options: Readonly<Record<string, unknown>>,
  specs: readonly FlagSpec[] = startFlags,
): Record<string, Record<string, unknown>> {
  const input: Record<string, Record<string, unknown>> = {}
  const problems: string[] = []
  for (const spec of specs) {
    const raw = options[optionKey(spec.rawName)]
    if (raw === undefined) continue
    const value = convert(spec, raw)
    if (!value.ok) {
      problems.push(`${flagName(spec)}: ${value.reason}`)
      continue
    }
    for (const [section, field] of spec.targets) {
      input[section] = { ...input[section], [field]: value.value }
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid flags: ${problems.join('; ')}`)
  return input
}

type Converted =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string }

function convert(spec: FlagSpec, raw: unknown): Converted {
  if (Array.isArray(raw)) return { ok: false, reason: 'given more than once' }
  if (spec.kind === 'string') return { ok: true, value: String(raw) }
  if (typeof raw === 'number') return { ok: true, value: raw }
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return { ok: true, value: Number(raw) }
  return { ok: false, reason: `expected an integer, got ${JSON.stringify(raw)}` }
}

/**
 * One line for a config validation error, naming the flag that set each bad field, e.g.
 * `--fsync "sometimes": Invalid option: expected one of "always"|"interval"|"none"`.
 */
export function describeConfigError(
  error: z.ZodError,
  input: Readonly<Record<string, unknown>>,
  specs: readonly FlagSpec[] = startFlags,
): string {
  const parts = error.issues.map((issue) => {
    const spec = specs.find((s) => s.targets.some((t) => startsWith(issue.path, t)))
    const where = spec === undefined ? `config ${issue.path.join('.')}` : flagName(spec)
    const given = valueAt(input, issue.path)
    return `${where}${given === undefined ? '' : ` ${JSON.stringify(given)}`}: ${issue.message}`
  })
  return `invalid configuration: ${parts.join('; ')}`
}

function startsWith(path: readonly PropertyKey[], prefix: ConfigPath): boolean {
  return prefix.every((part, i) => path[i] === part)
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}
