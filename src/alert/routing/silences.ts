import { randomUUID } from 'node:crypto'
import { PipelineError } from '../../core/index.js'
import type { AlertLabels } from '../alert.js'
import { MatcherError, compileMatcher, matchesAll } from '../label-matcher.js'
import type { CompiledMatcher, LabelMatcher } from '../label-matcher.js'

/** A silence (Alertmanager's): alerts of its tenant matching all matchers are not notified between its start and end. */
export interface Silence {
  readonly id: string
  readonly tenant: string
  readonly matchers: readonly LabelMatcher[]
  readonly startsAtMs: number
  readonly endsAtMs: number
  readonly createdBy: string
  readonly comment: string
  readonly updatedAtMs: number
}

export const silenceStates = ['pending', 'active', 'expired'] as const
export type SilenceState = (typeof silenceStates)[number]

export interface SilenceInput {
  readonly matchers: readonly LabelMatcher[]
  /** Default: now. */
  readonly startsAtMs?: number
  readonly endsAtMs: number
  readonly createdBy: string
  readonly comment: string
}

export interface SilencesOptions {
  /** Most silences per tenant, expired ones kept for `expiredRetentionMs` included. Default 1,000. */
  readonly maxPerTenant?: number
  /** How long an expired silence is kept (listed) before it is forgotten. Default 24 h. */
  readonly expiredRetentionMs?: number
  /** Silence ids; default random UUIDs. */
  readonly newId?: () => string
}

interface Entry {
  readonly silence: Silence
  readonly matchers: readonly CompiledMatcher[]
}

/**
 * The silences of every tenant, each visible only to its own tenant (DESIGN.md §4.6). A silence is
 * active from `startsAtMs` (inclusive) to `endsAtMs` (exclusive), judged at the `nowMs` the caller
 * passes (its clock), so expiry needs no timer. Expired silences are kept `expiredRetentionMs`
 * for the record, then forgotten on the next `add` or `prune`. Refusals (invalid input, the
 * tenant's limit reached) are user `PipelineError`s that say why.
 */
export class Silences {
  readonly #maxPerTenant: number
  readonly #retentionMs: number
  readonly #newId: () => string
  readonly #byTenant = new Map<string, Map<string, Entry>>()

  constructor(options: SilencesOptions = {}) {
    this.#maxPerTenant = options.maxPerTenant ?? 1_000
    this.#retentionMs = options.expiredRetentionMs ?? 24 * 3_600_000
    this.#newId = options.newId ?? randomUUID
  }

  /** Creates a silence, as Alertmanager validates one: matchers, creator, comment, an end after start and now. */
  add(tenant: string, input: SilenceInput, nowMs: number): Silence {
    const startsAtMs = Math.max(input.startsAtMs ?? nowMs, nowMs)
    const matchers = validate(input, startsAtMs, nowMs)
    this.prune(nowMs)
    const entries = this.#tenant(tenant)
    if (entries.size >= this.#maxPerTenant) {
      throw refused(
        'ALERT_SILENCE_LIMIT',
        `too many silences: tenant ${JSON.stringify(tenant)} has ${entries.size}, the most allowed; expire some first`,
      )
    }
    const silence: Silence = {
      id: this.#newId(),
      tenant,
      matchers: input.matchers.map((m) => ({ name: m.name, type: m.type, value: m.value })),
      startsAtMs,
      endsAtMs: input.endsAtMs,
      createdBy: input.createdBy,
      comment: input.comment,
      updatedAtMs: nowMs,
    }
    entries.set(silence.id, { silence, matchers })
    return silence
  }

  /**
   * Puts back a silence kept by the store (after a restart), as it was: same id and times. Its
   * matchers are compiled again; one that no longer parses is refused (a PipelineError).
   */
  restore(silence: Silence): void {
    const matchers = silence.matchers.map(compileMatcher)
    this.#tenant(silence.tenant).set(silence.id, { silence, matchers })
  }

  /** Ends a silence now (a pending one never starts). Expiring an expired silence changes nothing. */
  expire(tenant: string, id: string, nowMs: number): Silence {
    const entry = this.#byTenant.get(tenant)?.get(id)
    if (entry === undefined) throw refused('ALERT_SILENCE_NOT_FOUND', `no silence ${JSON.stringify(id)}`)
    const s = entry.silence
    if (silenceState(s, nowMs) === 'expired') return s
    const silence = { ...s, startsAtMs: Math.min(s.startsAtMs, nowMs), endsAtMs: nowMs, updatedAtMs: nowMs }
    this.#tenant(tenant).set(id, { silence, matchers: entry.matchers })
    return silence
  }

  get(tenant: string, id: string): Silence | undefined {
    return this.#byTenant.get(tenant)?.get(id)?.silence
  }

  /** The tenant's silences (pending, active, and expired within the retention), oldest first. */
  list(tenant: string): Silence[] {
    return [...(this.#byTenant.get(tenant)?.values() ?? [])].map((e) => e.silence)
  }

  /** Ids of the tenant's silences active at `nowMs` that match `labels`. */
  silencedBy(tenant: string, labels: AlertLabels, nowMs: number): string[] {
    const out: string[] = []
    for (const e of this.#byTenant.get(tenant)?.values() ?? []) {
      if (silenceState(e.silence, nowMs) === 'active' && matchesAll(e.matchers, labels))
        out.push(e.silence.id)
    }
    return out
  }

  isSilenced(tenant: string, labels: AlertLabels, nowMs: number): boolean {
    return this.silencedBy(tenant, labels, nowMs).length > 0
  }

  /** Forgets silences expired longer than the retention; returns how many. */
  prune(nowMs: number): number {
    let n = 0
    for (const [tenant, entries] of this.#byTenant) {
      for (const [id, e] of entries) {
        if (nowMs - e.silence.endsAtMs > this.#retentionMs) {
          entries.delete(id)
          n++
        }
      }
      if (entries.size === 0) this.#byTenant.delete(tenant)
    }
    return n
  }

  #tenant(tenant: string): Map<string, Entry> {
    let entries = this.#byTenant.get(tenant)
    if (entries === undefined) {
      entries = new Map()
      this.#byTenant.set(tenant, entries)
    }
    return entries
  }
}

export function silenceState(s: Silence, nowMs: number): SilenceState {
  if (nowMs < s.startsAtMs) return 'pending'
  return nowMs < s.endsAtMs ? 'active' : 'expired'
}

function validate(input: SilenceInput, startsAtMs: number, nowMs: number): CompiledMatcher[] {
  if (input.matchers.length === 0)
    throw refused('ALERT_SILENCE_INVALID', 'invalid silence: a silence needs at least one matcher')
  let matchers: CompiledMatcher[]
  try {
    matchers = input.matchers.map(compileMatcher)
  } catch (err) {
    if (err instanceof MatcherError) throw refused('ALERT_SILENCE_INVALID', `invalid silence: ${err.message}`)
    throw err
  }
  // A silence whose matchers all match '' would silence every alert of the tenant.
  if (matchers.every((m) => m.matches(''))) {
    throw refused(
      'ALERT_SILENCE_INVALID',
      'invalid silence: at least one matcher must not match the empty string',
    )
  }
  if (input.createdBy.trim() === '')
    throw refused('ALERT_SILENCE_INVALID', 'invalid silence: missing creator')
  if (input.comment.trim() === '') throw refused('ALERT_SILENCE_INVALID', 'invalid silence: missing comment')
  if (!(input.endsAtMs > startsAtMs))
    throw refused('ALERT_SILENCE_INVALID', 'invalid silence: end time must be after start time')
  if (input.endsAtMs <= nowMs)
    throw refused('ALERT_SILENCE_INVALID', "invalid silence: end time can't be in the past")
  return matchers
}

function refused(code: string, message: string): PipelineError {
  return new PipelineError(message, { code, domain: 'user', retryable: false })
}
