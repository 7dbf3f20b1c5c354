import type { AnomalyRow } from '../../core/batch/index.js'
import type { Clock } from '../../core/index.js'
import type { Alert, AlertStateChange } from '../alert.js'
import { ActiveAlertBudget } from '../lifecycle/alert-budget.js'
import { AlertTracker } from '../lifecycle/alert-tracker.js'
import { AnomalyRule } from '../rules/anomaly-rule.js'
import type { AnomalyRuleSpec } from '../rules/anomaly-rule.js'
import { evaluatePrometheusRule } from '../rules/prometheus-rule-evaluator.js'
import type { InstantQuery } from '../rules/prometheus-rule-evaluator.js'
import type { AlertingRule, PrometheusRuleFile, RuleGroup } from '../rules/prometheus-rule-file.js'
import { Acknowledgements } from '../routing/acknowledgement.js'
import { Grouper } from '../routing/grouper.js'
import { Inhibitor } from '../routing/inhibition.js'
import type { InhibitRule } from '../routing/inhibition.js'
import { Muter } from '../routing/muter.js'
import type { AlertMarks } from '../routing/muter.js'
import { buildNotification } from '../routing/notification.js'
import type { Notification, NotifiedAlert } from '../routing/notification.js'
import type { RouteConfig } from '../routing/route-config.js'
import { Silences } from '../routing/silences.js'
import { AnomalyObservations } from './anomaly-observations.js'

/** How often Alertmanager receivers get every alert again (Prometheus' resend delay is 1 min). */
const DEFAULT_RESEND_INTERVAL_MS = 60_000

/** Where the anomalies come from (the detectors' topic, see `AnomalyFeed`). */
export interface AnomalySource {
  start(fromTimeMs: number): Promise<void>
  poll(): Promise<readonly AnomalyRow[]>
}

/** Prometheus rule files and the tenant whose data they query. */
export interface TenantRuleFile {
  readonly tenant: string
  readonly file: PrometheusRuleFile
}

export interface AlertServiceSettings {
  readonly clock: Clock
  readonly source?: AnomalySource
  readonly anomalyRules: readonly AnomalyRuleSpec[]
  readonly ruleFiles: readonly TenantRuleFile[]
  /** The store's PromQL engine for a tenant (required with rule files). */
  readonly query?: (tenant: string) => InstantQuery
  readonly route: RouteConfig
  readonly inhibitRules: readonly InhibitRule[]
  /** Prometheus' `evaluation_interval`: for rule groups without their own `interval`. */
  readonly ruleIntervalMs: number
  /** How far back (record time) the anomaly stream is re-read on start. */
  readonly lookbackMs: number
  readonly maxAlertsPerTenant: number
  readonly externalURL: string
  /** Delivers a notification (src/notify); must not throw. */
  readonly notify: (n: Notification) => void
  /**
   * Receivers that keep their own alert state (Alertmanagers): every `resendIntervalMs` they get
   * all unmuted firing and just-resolved alerts of each tenant again, ungrouped, as Prometheus
   * re-sends to Alertmanager (which otherwise ends a firing alert after its resolve_timeout).
   */
  readonly resendTo?: readonly string[]
  readonly resendIntervalMs?: number
  /** Records state changes (the store's alert history); a rejection is reported, not retried here. */
  readonly history?: (changes: readonly AlertStateChange[]) => Promise<void>
  readonly onError: (err: unknown, what: string) => void
}

/** An alert as the API shows it: the alert and what mutes it. */
export interface AlertView {
  readonly alert: Alert
  readonly marks: AlertMarks
}

export interface AlertServiceStatus {
  readonly evaluations: number
  readonly anomaliesObserved: number
  readonly notifications: number
  readonly stateChanges: number
  readonly ruleErrors: number
  readonly alerts: number
}

interface TrackedRule {
  readonly tracker: AlertTracker
}

interface PromGroup {
  readonly tenant: string
  readonly group: RuleGroup
  readonly intervalMs: number
  nextEvalMs: number
}

/**
 * Alerting as a running service: each `tick` reads the anomalies committed since the last one,
 * feeds them to the anomaly rules, evaluates the Prometheus rule groups that are due on the
 * store's PromQL engine, moves every alert through its lifecycle (pending → firing → resolved),
 * and hands the alerts to the grouper, whose notifications go to `notify`; silences, inhibition
 * and acknowledgements decide what is muted. State changes go to `history`.
 *
 * Time: anomaly rules run in event time — per tenant, the newest anomaly's time, advanced by the
 * processing time since it arrived, so quiet series still go stale and resolve. Prometheus rules,
 * the grouper and silences run in processing time (the clock).
 */
export class AlertService {
  readonly silences = new Silences()
  readonly acknowledgements = new Acknowledgements()
  readonly #s: AlertServiceSettings
  readonly #budget: ActiveAlertBudget
  readonly #anomalyRules: AnomalyRule[]
  readonly #promGroups: PromGroup[]
  readonly #trackers = new Map<string, TrackedRule>()
  readonly #inhibitor: Inhibitor
  readonly #muter: Muter
  readonly #grouper: Grouper
  readonly #observations = new AnomalyObservations()
  /** Per tenant: newest anomaly event time and the processing time it was seen. */
  readonly #eventTime = new Map<string, { eventMs: number; seenAtMs: number }>()
  #nextResendMs = 0
  #resends = 0
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = false
  #evaluations = 0
  #anomalies = 0
  #notifications = 0
  #changes = 0
  #ruleErrors = 0

  constructor(settings: AlertServiceSettings) {
    this.#s = settings
    this.#budget = new ActiveAlertBudget(settings.maxAlertsPerTenant)
    const evalSettings = { externalLabels: {}, externalURL: settings.externalURL }
    this.#anomalyRules = settings.anomalyRules.map((spec) => new AnomalyRule(spec, evalSettings))
    const now = settings.clock.nowMs()
    this.#promGroups = settings.ruleFiles.flatMap(({ tenant, file }) =>
      file.groups.map((group) => ({
        tenant,
        group,
        intervalMs: group.intervalMs ?? settings.ruleIntervalMs,
        nextEvalMs: now,
      })),
    )
    if (this.#promGroups.length > 0 && settings.query === undefined) {
      throw new Error('AlertService: rule files need a query engine (settings.query)')
    }
    this.#inhibitor = new Inhibitor(settings.inhibitRules)
    this.#muter = new Muter(this.silences, this.#inhibitor, this.acknowledgements)
    this.#grouper = new Grouper(settings.route, {
      externalURL: settings.externalURL,
      isMuted: (a, t) => this.#muter.isMuted(a, t),
      isAcknowledged: (a) => this.acknowledgements.isAcknowledged(a),
    })
  }

  /** Re-reads the anomaly stream from `lookbackMs` ago, then evaluates every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.#s.source?.start(this.#s.clock.nowMs() - this.#s.lookbackMs)
    const loop = (): void => {
      if (this.#stopped) return
      this.#running = this.tick()
        .catch((err: unknown) => this.#s.onError(err, 'alert evaluation'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(loop, intervalMs)
        })
    }
    loop()
  }

  /** Stops after the evaluation in progress. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    await this.#running
  }

  /** One evaluation: anomalies in, rules evaluated, alerts grouped, notifications out. */
  async tick(): Promise<void> {
    const now = this.#s.clock.nowMs()
    this.#evaluations++
    const changes: AlertStateChange[] = []

    // Anomaly rules, in event time.
    const rows = this.#s.source === undefined ? [] : await this.#s.source.poll()
    if (rows.length > 0) {
      this.#anomalies += rows.length
      const observations = this.#observations.convert(rows)
      for (const rule of this.#anomalyRules) rule.observe(observations)
      for (const o of observations) {
        const t = this.#eventTime.get(o.tenant)
        if (t === undefined) this.#eventTime.set(o.tenant, { eventMs: o.timeMs, seenAtMs: now })
        else if (o.timeMs >= t.eventMs) {
          t.eventMs = o.timeMs
          t.seenAtMs = now
        }
      }
    }
    for (const [tenant, t] of this.#eventTime) {
      const evalMs = t.eventMs + Math.max(0, now - t.seenAtMs)
      for (const rule of this.#anomalyRules) {
        const tracker = this.#tracker(
          `anomaly\u0000${rule.name}`,
          tenant,
          rule.name,
          'anomaly',
          rule.forMs,
          rule.keepFiringForMs,
        )
        changes.push(...tracker.update(rule.candidates(tenant, evalMs), evalMs))
      }
    }

    // Prometheus rules, in processing time, each group at its interval.
    for (const g of this.#promGroups) {
      if (now < g.nextEvalMs) continue
      g.nextEvalMs = now + g.intervalMs
      for (const rule of g.group.rules) changes.push(...(await this.#evaluateRule(g, rule, now)))
    }

    // Route: inhibition sees every alert; the grouper decides what to notify.
    const alerts = this.#allAlerts()
    this.#inhibitor.observe(alerts, now)
    this.#grouper.upsert(alerts, now)
    for (const n of this.#grouper.tick(now)) {
      this.#notifications++
      this.#s.notify(n)
    }
    this.#resend(alerts, now)
    this.silences.prune(now)
    if (changes.length > 0) {
      this.#changes += changes.length
      await this.#s.history?.(changes).catch((err: unknown) => this.#s.onError(err, 'alert history write'))
    }
  }

  #resend(alerts: readonly Alert[], now: number): void {
    const receivers = this.#s.resendTo ?? []
    if (receivers.length === 0 || now < this.#nextResendMs) return
    this.#nextResendMs = now + (this.#s.resendIntervalMs ?? DEFAULT_RESEND_INTERVAL_MS)
    const byTenant = new Map<string, NotifiedAlert[]>()
    for (const alert of alerts) {
      if (alert.state === 'pending' || this.#muter.isMuted(alert, now)) continue
      const status = alert.state === 'firing' ? 'firing' : 'resolved'
      const since = status === 'firing' ? (alert.firedAtMs ?? alert.activeAtMs) : (alert.resolvedAtMs ?? now)
      let list = byTenant.get(alert.tenant)
      if (list === undefined) byTenant.set(alert.tenant, (list = []))
      list.push({ alert, status, sinceMs: since })
    }
    this.#resends++
    for (const [tenant, list] of byTenant) {
      for (const receiver of receivers) {
        this.#s.notify(
          buildNotification(
            {
              tenant,
              groupKey: `{}/{tenant=${JSON.stringify(tenant)}}:resend`,
              groupLabels: {},
              receiver,
              externalURL: this.#s.externalURL,
              atMs: now,
              repeat: this.#resends,
              maxAlerts: 0,
            },
            list,
          ),
        )
      }
    }
  }

  async #evaluateRule(g: PromGroup, rule: AlertingRule, now: number): Promise<AlertStateChange[]> {
    const tracker = this.#tracker(
      `prometheus\u0000${g.group.file}\u0000${g.group.name}\u0000${rule.name}`,
      g.tenant,
      rule.name,
      'prometheus',
      rule.forMs,
      rule.keepFiringForMs,
    )
    try {
      const candidates = await evaluatePrometheusRule(rule, g.group, this.#s.query!(g.tenant), now, {
        externalLabels: {},
        externalURL: this.#s.externalURL,
      })
      return tracker.update(candidates, now)
    } catch (err) {
      // The rule's alerts stay as they are (not resolved by a failing query).
      this.#ruleErrors++
      this.#s.onError(err, `alert rule ${g.group.name}/${rule.name} (tenant ${g.tenant})`)
      return []
    }
  }

  #tracker(
    id: string,
    tenant: string,
    ruleName: string,
    ruleKind: 'anomaly' | 'prometheus',
    forMs: number,
    keepFiringForMs: number,
  ): AlertTracker {
    const key = `${id}\u0000${tenant}`
    let t = this.#trackers.get(key)
    if (t === undefined) {
      t = {
        tracker: new AlertTracker({
          tenant,
          ruleName,
          ruleKind,
          forMs,
          keepFiringForMs,
          budget: this.#budget,
        }),
      }
      this.#trackers.set(key, t)
    }
    return t.tracker
  }

  #allAlerts(): Alert[] {
    const out: Alert[] = []
    for (const { tracker } of this.#trackers.values()) out.push(...tracker.alerts())
    return out
  }

  /** The tenant's current alerts (pending, firing, recently resolved) with what mutes them. */
  alerts(tenant: string): AlertView[] {
    const now = this.#s.clock.nowMs()
    return this.#allAlerts()
      .filter((a) => a.tenant === tenant)
      .map((alert) => ({ alert, marks: this.#muter.marks(alert, now) }))
  }

  /** One alert of the tenant by fingerprint. */
  alert(tenant: string, fingerprint: string): Alert | undefined {
    return this.#allAlerts().find((a) => a.tenant === tenant && a.fingerprint === fingerprint)
  }

  /** The rules it evaluates, as configured (Prometheus' `/api/v1/rules` lists them). */
  rules(): Pick<AlertServiceSettings, 'ruleFiles' | 'anomalyRules' | 'ruleIntervalMs'> {
    const { ruleFiles, anomalyRules, ruleIntervalMs } = this.#s
    return { ruleFiles, anomalyRules, ruleIntervalMs }
  }

  status(): AlertServiceStatus {
    return {
      evaluations: this.#evaluations,
      anomaliesObserved: this.#anomalies,
      notifications: this.#notifications,
      stateChanges: this.#changes,
      ruleErrors: this.#ruleErrors,
      alerts: this.#allAlerts().length,
    }
  }
}
