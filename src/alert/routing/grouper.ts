import { canonicalLabels, labelSetString } from '../alert-labels.js'
import type { Alert, AlertLabels } from '../alert.js'
import { buildNotification } from './notification.js'
import type { Notification, NotifiedAlert } from './notification.js'
import { validateRouteConfig } from './route-config.js'
import type { RouteConfig } from './route-config.js'

export interface GrouperSettings {
  readonly externalURL?: string
  /** Silenced or inhibited at `nowMs`: kept in its group, left out of notifications. */
  readonly isMuted?: (alert: Alert, nowMs: number) => boolean
  /** Acknowledged: an unchanged group whose firing alerts are all acknowledged is not repeated. */
  readonly isAcknowledged?: (alert: Alert) => boolean
}

interface GroupedAlert {
  alert: Alert
  lastSeenMs: number
}

/** What the group last notified (Alertmanager's notification log entry). */
interface NotifyLog {
  readonly firing: ReadonlySet<string>
  readonly resolved: ReadonlySet<string>
  readonly atMs: number
  readonly repeat: number
}

interface Group {
  readonly tenant: string
  readonly key: string
  readonly labels: AlertLabels
  readonly alerts: Map<string, GroupedAlert>
  nextFlushMs: number
  hasFlushed: boolean
  log: NotifyLog | undefined
}

/**
 * Alertmanager's dispatcher for one route, driven by the caller's clock: alerts are grouped by
 * tenant and the `groupBy` labels; a new group is flushed `groupWaitMs` after it appears, then
 * every `groupIntervalMs`. A flush notifies when the group's notified state would change (a new
 * firing alert, a newly resolved one, all resolved) or, for an unchanged group with firing alerts,
 * once `repeatIntervalMs` has passed (not when every firing alert is acknowledged). Muted alerts
 * (silenced, inhibited) stay in their group but are left out, as if absent. After a flush, its
 * resolved alerts leave the group; an empty group is dropped.
 *
 * Contract: call `upsert` with the firing and resolved alerts of every evaluation (pending ones are
 * ignored; a firing alert not handed in for `resolveTimeoutMs` counts as resolved), and `tick`
 * with the current time often enough (`nextFlushMs()` says when the next flush is due). Both are
 * synchronous and never throw on alert data; alerts over `maxAlerts` are dropped and counted.
 *
 * @example
 * const grouper = new Grouper({ ...DEFAULT_ROUTE_CONFIG, groupBy: ['alertname', 'cluster'] })
 * grouper.upsert(tracker.alerts(), clock.nowMs())
 * for (const n of grouper.tick(clock.nowMs())) await notifier.send(n)
 */
export class Grouper {
  readonly #config: RouteConfig
  readonly #externalURL: string
  readonly #isMuted: (alert: Alert, nowMs: number) => boolean
  readonly #isAcknowledged: (alert: Alert) => boolean
  readonly #groups = new Map<string, Group>()
  #alertCount = 0
  #droppedAlerts = 0

  constructor(config: RouteConfig, settings: GrouperSettings = {}) {
    this.#config = validateRouteConfig(config)
    this.#externalURL = settings.externalURL ?? ''
    this.#isMuted = settings.isMuted ?? (() => false)
    this.#isAcknowledged = settings.isAcknowledged ?? (() => false)
  }

  get groupCount(): number {
    return this.#groups.size
  }

  get alertCount(): number {
    return this.#alertCount
  }

  /** Alerts not grouped because `maxAlerts` was reached. */
  get droppedAlerts(): number {
    return this.#droppedAlerts
  }

  /** When the next group flush is due; undefined when there is no group. */
  nextFlushMs(): number | undefined {
    let next: number | undefined
    for (const g of this.#groups.values())
      if (next === undefined || g.nextFlushMs < next) next = g.nextFlushMs
    return next
  }

  upsert(alerts: readonly Alert[], nowMs: number): void {
    for (const alert of alerts) {
      if (alert.state === 'pending') continue
      const labels = this.#groupLabels(alert.labels)
      const key = `{}/{tenant=${JSON.stringify(alert.tenant)}}:${labelSetString(labels)}`
      const mapKey = `${alert.tenant}\u0000${key}`
      let group = this.#groups.get(mapKey)
      const existing = group?.alerts.get(alert.fingerprint)
      // A resolved alert this grouper never held firing is nothing to tell anyone.
      if (alert.state === 'resolved' && existing === undefined) continue
      if (existing !== undefined) {
        existing.alert = alert
        existing.lastSeenMs = nowMs
        continue
      }
      if (this.#alertCount >= this.#config.maxAlerts) {
        this.#droppedAlerts++
        continue
      }
      if (group === undefined) {
        group = {
          tenant: alert.tenant,
          key,
          labels,
          alerts: new Map(),
          nextFlushMs: nowMs + this.#config.groupWaitMs,
          hasFlushed: false,
          log: undefined,
        }
        this.#groups.set(mapKey, group)
      }
      group.alerts.set(alert.fingerprint, { alert, lastSeenMs: nowMs })
      this.#alertCount++
      // Alertmanager flushes at once when the alert started longer than group_wait ago.
      const startedMs = alert.firedAtMs ?? nowMs
      if (!group.hasFlushed && startedMs + this.#config.groupWaitMs < nowMs) group.nextFlushMs = nowMs
    }
  }

  /** Flushes every group that is due at `nowMs`; returns the notifications to send, in group order. */
  tick(nowMs: number): Notification[] {
    const out: Notification[] = []
    for (const [mapKey, group] of this.#groups) {
      if (group.nextFlushMs > nowMs) continue
      const n = this.#flush(group, nowMs)
      if (n !== undefined) out.push(n)
      group.hasFlushed = true
      const next = group.nextFlushMs + this.#config.groupIntervalMs
      group.nextFlushMs = next > nowMs ? next : nowMs + this.#config.groupIntervalMs
      if (group.alerts.size === 0) this.#groups.delete(mapKey)
    }
    return out
  }

  #flush(group: Group, nowMs: number): Notification | undefined {
    const current: NotifiedAlert[] = []
    for (const [fingerprint, g] of group.alerts) {
      const a = g.alert
      let n: NotifiedAlert
      if (a.state === 'resolved') n = { alert: a, status: 'resolved', sinceMs: a.resolvedAtMs ?? nowMs }
      else if (nowMs - g.lastSeenMs > this.#config.resolveTimeoutMs) {
        n = { alert: a, status: 'resolved', sinceMs: g.lastSeenMs + this.#config.resolveTimeoutMs }
      } else n = { alert: a, status: 'firing', sinceMs: a.firedAtMs ?? a.activeAtMs }
      current.push(n)
      if (n.status === 'resolved') {
        // Resolved alerts leave the group with this flush (whether or not they were shown).
        group.alerts.delete(fingerprint)
        this.#alertCount--
      }
    }
    const visible = current.filter((n) => !this.#isMuted(n.alert, nowMs))
    if (visible.length === 0) return undefined
    const firing = new Set(visible.filter((n) => n.status === 'firing').map((n) => n.alert.fingerprint))
    const resolved = new Set(visible.filter((n) => n.status === 'resolved').map((n) => n.alert.fingerprint))
    const why = this.#needsUpdate(group.log, firing, resolved, visible, nowMs)
    if (why === undefined) return undefined
    const repeat = why === 'repeat' ? group.log!.repeat + 1 : 0
    group.log = { firing, resolved, atMs: nowMs, repeat }
    const toSend = this.#config.sendResolved ? visible : visible.filter((n) => n.status === 'firing')
    if (toSend.length === 0) return undefined
    return buildNotification(
      {
        tenant: group.tenant,
        groupKey: group.key,
        groupLabels: group.labels,
        receiver: this.#config.receiver,
        externalURL: this.#externalURL,
        atMs: nowMs,
        repeat,
        maxAlerts: this.#config.maxAlertsPerNotification,
      },
      toSend,
    )
  }

  /** Alertmanager's `DedupStage.needsUpdate`, with acknowledgements holding back repeats. */
  #needsUpdate(
    log: NotifyLog | undefined,
    firing: ReadonlySet<string>,
    resolved: ReadonlySet<string>,
    visible: readonly NotifiedAlert[],
    nowMs: number,
  ): 'change' | 'repeat' | undefined {
    if (log === undefined) return firing.size > 0 ? 'change' : undefined
    if (!isSubset(firing, log.firing)) return 'change'
    if (firing.size === 0) return log.firing.size > 0 ? 'change' : undefined
    if (this.#config.sendResolved && !isSubset(resolved, log.resolved)) return 'change'
    if (nowMs - log.atMs <= this.#config.repeatIntervalMs) return undefined
    const allAcknowledged = visible.every((n) => n.status !== 'firing' || this.#isAcknowledged(n.alert))
    return allAcknowledged ? undefined : 'repeat'
  }

  #groupLabels(labels: AlertLabels): AlertLabels {
    const by = this.#config.groupBy
    if (by.length === 1 && by[0] === '...') return labels
    return canonicalLabels(by.filter((n) => Object.hasOwn(labels, n)).map((n) => [n, labels[n]!] as const))
  }
}

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false
  return true
}
