import { PipelineError } from '../../core/index.js'
import { LABEL_NAME_RE, labelOf } from '../alert-labels.js'
import type { Alert } from '../alert.js'
import { MatcherError, compileMatcher, matchesAll, parseMatcher } from '../label-matcher.js'
import type { CompiledMatcher, LabelMatcher } from '../label-matcher.js'

/** An Alertmanager inhibit rule: a firing source alert mutes the target alerts that agree with it on `equal`. */
export interface InhibitRule {
  readonly sourceMatchers: readonly LabelMatcher[]
  readonly targetMatchers: readonly LabelMatcher[]
  /** Labels whose values source and target must share (a label missing on both counts as equal). */
  readonly equal: readonly string[]
}

/** An inhibit rule as written in Alertmanager's YAML (`source_matchers: ['severity="critical"']`, …). */
export interface InhibitRuleConfig {
  readonly source_matchers?: readonly string[]
  readonly target_matchers?: readonly string[]
  readonly equal?: readonly string[]
}

/** Parses Alertmanager's inhibit rule config; a user `PipelineError` (`ALERT_INHIBIT_INVALID`) names the problem. */
export function parseInhibitRule(config: InhibitRuleConfig): InhibitRule {
  try {
    const rule = {
      sourceMatchers: (config.source_matchers ?? []).map(parseMatcher),
      targetMatchers: (config.target_matchers ?? []).map(parseMatcher),
      equal: config.equal ?? [],
    }
    compileRule(rule)
    return rule
  } catch (err) {
    if (err instanceof MatcherError) throw invalid(err.message)
    throw err
  }
}

export interface InhibitorOptions {
  /** A source not handed in again for this long no longer inhibits (Alertmanager's resolve timeout). Default 5 min. */
  readonly sourceTimeoutMs?: number
}

interface CompiledRule {
  readonly source: readonly CompiledMatcher[]
  readonly target: readonly CompiledMatcher[]
  readonly equal: readonly string[]
  /** Firing source alerts by tenant + fingerprint, with when they were last seen. */
  readonly sources: Map<string, { alert: Alert; seenMs: number }>
}

/**
 * Alertmanager's inhibitor. `observe` keeps, per rule, the firing alerts that match its source
 * matchers (a resolved or pending alert is no source, and a source not observed for
 * `sourceTimeoutMs` expires); `inhibitedBy` names the sources muting an alert: for each rule whose
 * target matchers match it, a source of the same tenant with equal values of the `equal` labels.
 * As in Alertmanager, an alert that matches both sides of a rule cannot be inhibited by a source
 * that also matches both sides (two critical alerts don't mute each other), and silenced sources
 * still inhibit.
 */
export class Inhibitor {
  readonly #rules: readonly CompiledRule[]
  readonly #timeoutMs: number

  constructor(rules: readonly InhibitRule[], options: InhibitorOptions = {}) {
    this.#rules = rules.map((r) => {
      try {
        return compileRule(r)
      } catch (err) {
        if (err instanceof MatcherError) throw invalid(err.message)
        throw err
      }
    })
    this.#timeoutMs = options.sourceTimeoutMs ?? 5 * 60_000
  }

  /** Records the current state of `alerts` as sources (firing ones in, others out). */
  observe(alerts: readonly Alert[], nowMs: number): void {
    for (const rule of this.#rules) {
      for (const a of alerts) {
        const key = `${a.tenant}\u0000${a.fingerprint}`
        if (a.state === 'firing' && matchesAll(rule.source, a.labels))
          rule.sources.set(key, { alert: a, seenMs: nowMs })
        else rule.sources.delete(key)
      }
      for (const [key, s] of rule.sources) if (nowMs - s.seenMs > this.#timeoutMs) rule.sources.delete(key)
    }
  }

  /** Fingerprints of the source alerts muting `alert` at `nowMs` (one per rule that mutes it). */
  inhibitedBy(alert: Alert, nowMs: number): string[] {
    const out: string[] = []
    for (const rule of this.#rules) {
      if (!matchesAll(rule.target, alert.labels)) continue
      const excludeTwoSided = matchesAll(rule.source, alert.labels)
      for (const { alert: s, seenMs } of rule.sources.values()) {
        if (s.tenant !== alert.tenant || s.fingerprint === alert.fingerprint) continue
        if (nowMs - seenMs > this.#timeoutMs) continue
        if (!rule.equal.every((n) => labelOf(s.labels, n) === labelOf(alert.labels, n))) continue
        if (excludeTwoSided && matchesAll(rule.target, s.labels)) continue
        out.push(s.fingerprint)
        break
      }
    }
    return out
  }

  isInhibited(alert: Alert, nowMs: number): boolean {
    return this.inhibitedBy(alert, nowMs).length > 0
  }
}

function compileRule(r: InhibitRule): CompiledRule {
  for (const n of r.equal)
    if (!LABEL_NAME_RE.test(n)) throw new MatcherError(`equal: invalid label name ${JSON.stringify(n)}`)
  return {
    source: r.sourceMatchers.map(compileMatcher),
    target: r.targetMatchers.map(compileMatcher),
    equal: r.equal,
    sources: new Map(),
  }
}

function invalid(message: string): PipelineError {
  return new PipelineError(`invalid inhibit rule: ${message}`, {
    code: 'ALERT_INHIBIT_INVALID',
    domain: 'user',
    retryable: false,
  })
}
