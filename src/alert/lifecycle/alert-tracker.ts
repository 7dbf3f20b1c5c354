import { PipelineError } from '../../core/index.js'
import type { AlertCandidate } from '../alert-candidate.js'
import type { Alert, AlertStateChange, RuleKind, TransitionState } from '../alert.js'
import { labelsFingerprint } from '../fingerprint.js'
import type { ActiveAlertBudget } from './alert-budget.js'
import { DEFAULT_FLAP_POLICY, isFlapping, recentResolves } from './flap-policy.js'
import type { FlapPolicy } from './flap-policy.js'

export interface AlertTrackerOptions {
  readonly tenant: string
  readonly ruleName: string
  readonly ruleKind: RuleKind
  /** The rule's `for`. */
  readonly forMs: number
  /** The rule's `keep_firing_for`. */
  readonly keepFiringForMs: number
  /** How long a resolved alert is kept (and shown) before it is forgotten. Default 15 min, as Prometheus. */
  readonly resolvedRetentionMs?: number
  readonly flap?: FlapPolicy
  /** The per-tenant bound on tracked alerts, shared by all trackers. */
  readonly budget: ActiveAlertBudget
  readonly generatorURL?: string
}

export const DEFAULT_RESOLVED_RETENTION_MS = 15 * 60_000

type ChangeSink = (alert: Alert, from: TransitionState, to: TransitionState, atMs: number) => void

interface Entry {
  alert: Alert
  /** When the alert resolved recently (for flap detection); survives a re-fire. */
  resolves: number[]
}

/**
 * The lifecycle of one rule's alerts for one tenant, as Prometheus' `AlertingRule.Eval` runs it,
 * driven only by evaluation times (processing time for Prometheus rules, event time for anomaly
 * rules; never a clock of its own). Each `update` takes one evaluation's candidates:
 *
 * - a new candidate is `pending` from `activeSinceMs` (default: the evaluation time);
 * - a pending alert whose condition has held for `forMs` goes `firing` (at once when `forMs` is 0);
 * - a pending alert whose candidate is gone is dropped (`pending → inactive`), never notified;
 * - a firing alert whose candidate is gone stays firing while it has been gone for less than
 *   `keepFiringForMs` (or the flap policy's `quietMs` for a flapping alert), then goes `resolved`;
 * - a resolved alert is kept `resolvedRetentionMs` (so receivers see it), then forgotten; if its
 *   candidate comes back first, it starts again as pending (same fingerprint).
 *
 * Returns the transitions of this evaluation. Alerts are immutable snapshots: each change makes a
 * new `Alert`, so what `alerts()` handed out never changes under the holder. Evaluation times never
 * go back: an earlier time than the last is taken as the last. Bounded by the shared budget; a new
 * alert past it is dropped (the budget counts it).
 */
export class AlertTracker {
  readonly #o: AlertTrackerOptions
  readonly #retentionMs: number
  readonly #flap: FlapPolicy
  readonly #entries = new Map<string, Entry>()
  #lastEvalMs = -Infinity
  #duplicates = 0

  constructor(options: AlertTrackerOptions) {
    const retention = options.resolvedRetentionMs ?? DEFAULT_RESOLVED_RETENTION_MS
    const flap = options.flap ?? DEFAULT_FLAP_POLICY
    if (!(options.forMs >= 0 && options.keepFiringForMs >= 0 && retention >= 0)) {
      throw invalid(options, 'for, keep_firing_for and the resolved retention must not be negative')
    }
    // Resolve times are kept on resolved entries; a window longer than the retention would lose them.
    if (flap.maxResolves > 0 && flap.windowMs > retention) {
      throw invalid(
        options,
        `the flap window (${flap.windowMs} ms) must not exceed the resolved retention (${retention} ms)`,
      )
    }
    this.#o = options
    this.#retentionMs = retention
    this.#flap = flap
  }

  /** Candidates that repeated a fingerprint within one evaluation (the first one counted). */
  get duplicates(): number {
    return this.#duplicates
  }

  /** All tracked alerts: pending, firing, and resolved within the retention. */
  alerts(): Alert[] {
    return [...this.#entries.values()].map((e) => e.alert)
  }

  get(fingerprint: string): Alert | undefined {
    return this.#entries.get(fingerprint)?.alert
  }

  update(candidates: readonly AlertCandidate[], evalTimeMs: number): AlertStateChange[] {
    const t = Math.max(evalTimeMs, this.#lastEvalMs)
    this.#lastEvalMs = t
    const changes: AlertStateChange[] = []
    const change: ChangeSink = (a, from, to, atMs) =>
      changes.push({
        fingerprint: a.fingerprint,
        tenant: a.tenant,
        ruleName: a.ruleName,
        ruleKind: a.ruleKind,
        labels: a.labels,
        annotations: a.annotations,
        from,
        to,
        atMs,
        value: a.lastValue,
      })
    const seen = this.#applyCandidates(candidates, t, change)
    this.#advance(seen, t, change)
    return changes
  }

  /** Updates or starts the alert of each candidate; returns the fingerprints seen. */
  #applyCandidates(candidates: readonly AlertCandidate[], t: number, change: ChangeSink): Set<string> {
    const seen = new Set<string>()
    for (const c of candidates) {
      const fingerprint = labelsFingerprint(c.labels)
      if (seen.has(fingerprint)) {
        this.#duplicates++
        continue
      }
      seen.add(fingerprint)
      const entry = this.#entries.get(fingerprint)
      if (entry !== undefined && entry.alert.state !== 'resolved') {
        entry.alert = {
          ...entry.alert,
          annotations: c.annotations,
          lastValue: c.value,
          lastEvalMs: t,
          keepFiringSinceMs: null,
        }
        continue
      }
      if (entry === undefined && !this.#o.budget.tryTake(this.#o.tenant)) continue
      const alert = this.#newAlert(fingerprint, c, t, entry?.alert.isFlapping ?? false)
      this.#entries.set(fingerprint, { alert, resolves: entry?.resolves ?? [] })
      change(alert, entry === undefined ? 'inactive' : 'resolved', 'pending', alert.activeAtMs)
    }
    return seen
  }

  /** Moves every alert on: pending → firing after `for`, and what happens when a candidate is gone. */
  #advance(seen: ReadonlySet<string>, t: number, change: ChangeSink): void {
    for (const [fingerprint, entry] of this.#entries) {
      const a = entry.alert
      if (seen.has(fingerprint)) {
        if (a.state === 'pending' && t - a.activeAtMs >= this.#o.forMs) {
          entry.resolves = recentResolves(entry.resolves, t, this.#flap)
          const isFlappingNow = isFlapping(entry.resolves, t, this.#flap)
          entry.alert = { ...a, state: 'firing', firedAtMs: t, isFlapping: isFlappingNow }
          change(entry.alert, 'pending', 'firing', t)
        }
      } else if (a.state === 'pending') {
        this.#forget(fingerprint)
        change(a, 'pending', 'inactive', t)
      } else if (a.state === 'resolved') {
        if (t - a.resolvedAtMs! > this.#retentionMs) this.#forget(fingerprint)
      } else {
        const since = a.keepFiringSinceMs ?? t
        const holdMs = Math.max(this.#o.keepFiringForMs, a.isFlapping ? this.#flap.quietMs : 0)
        if (t - since < holdMs) {
          if (a.keepFiringSinceMs === null) entry.alert = { ...a, keepFiringSinceMs: since }
          continue
        }
        entry.alert = { ...a, state: 'resolved', resolvedAtMs: t, keepFiringSinceMs: null, lastEvalMs: t }
        entry.resolves.push(t)
        change(entry.alert, 'firing', 'resolved', t)
      }
    }
  }

  #newAlert(fingerprint: string, c: AlertCandidate, t: number, wasFlapping: boolean): Alert {
    return {
      fingerprint,
      tenant: this.#o.tenant,
      ruleName: this.#o.ruleName,
      ruleKind: this.#o.ruleKind,
      labels: c.labels,
      annotations: c.annotations,
      state: 'pending',
      activeAtMs: Math.min(c.activeSinceMs ?? t, t),
      firedAtMs: null,
      resolvedAtMs: null,
      keepFiringSinceMs: null,
      lastValue: c.value,
      lastEvalMs: t,
      isFlapping: wasFlapping,
      generatorURL: this.#o.generatorURL ?? '',
    }
  }

  #forget(fingerprint: string): void {
    this.#entries.delete(fingerprint)
    this.#o.budget.give(this.#o.tenant)
  }
}

function invalid(o: AlertTrackerOptions, msg: string): PipelineError {
  return new PipelineError(`alert rule ${JSON.stringify(o.ruleName)}: ${msg}`, {
    code: 'ALERT_RULE_INVALID',
    domain: 'user',
    retryable: false,
  })
}
