import { jsonNumber } from '../../query/index.js'
import type { JsonNumber } from '../../query/index.js'
import type { AlertHistoryChange } from '../../store/index.js'
import type { AlertLabels, AlertState, RuleKind } from '../alert.js'
import type { Acknowledgement } from '../routing/acknowledgement.js'
import { silenceState } from '../routing/silences.js'
import type { Silence, SilenceState } from '../routing/silences.js'
import { formatRfc3339 } from '../routing/webhook-payload.js'
import type { AlertView } from '../service/alert-service.js'

/**
 * The JSON of the alerting API (docs/alerting.md#api; schemas in src/api/openapi/alert-schemas.ts).
 * Times are RFC 3339 (UTC, milliseconds when not whole seconds); a time that has not happened is null.
 */

/** An acknowledgement as the API shows it. */
export interface AcknowledgementJson {
  readonly by: string
  readonly comment: string
  readonly at: string
}

/** One alert of `GET /api/v1/alerts`. */
export interface AlertJson {
  readonly fingerprint: string
  readonly ruleName: string
  readonly ruleKind: RuleKind
  readonly labels: AlertLabels
  readonly annotations: AlertLabels
  readonly state: AlertState
  readonly activeAt: string
  readonly firedAt: string | null
  readonly resolvedAt: string | null
  readonly keepFiringSince: string | null
  readonly lastEvaluation: string
  readonly value: JsonNumber
  readonly flapping: boolean
  readonly silencedBy: readonly string[]
  readonly inhibitedBy: readonly string[]
  readonly acknowledgedBy: string | null
  readonly acknowledgement: AcknowledgementJson | null
  readonly generatorURL: string
}

const time = (ms: number | null): string | null => (ms === null ? null : formatRfc3339(ms))

/** `view` (the alert and its marks) with the acknowledgement covering its current state, if any. */
export function alertJson(view: AlertView, ack: Acknowledgement | undefined): AlertJson {
  const a = view.alert
  return {
    fingerprint: a.fingerprint,
    ruleName: a.ruleName,
    ruleKind: a.ruleKind,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: formatRfc3339(a.activeAtMs),
    firedAt: time(a.firedAtMs),
    resolvedAt: time(a.resolvedAtMs),
    keepFiringSince: time(a.keepFiringSinceMs),
    lastEvaluation: formatRfc3339(a.lastEvalMs),
    value: jsonNumber(a.lastValue),
    flapping: a.isFlapping,
    silencedBy: view.marks.silencedBy,
    inhibitedBy: view.marks.inhibitedBy,
    acknowledgedBy: view.marks.acknowledgedBy,
    acknowledgement: ack === undefined ? null : acknowledgementJson(ack),
    generatorURL: a.generatorURL,
  }
}

export function acknowledgementJson(ack: Acknowledgement): AcknowledgementJson {
  return { by: ack.by, comment: ack.comment, at: formatRfc3339(ack.atMs) }
}

/** A matcher in Alertmanager's v2 API shape. */
export interface MatcherJson {
  readonly name: string
  readonly value: string
  readonly isRegex: boolean
  readonly isEqual: boolean
}

/** A silence in Alertmanager's v2 API shape (`GettableSilence`). */
export interface SilenceJson {
  readonly id: string
  readonly status: { readonly state: SilenceState }
  readonly matchers: readonly MatcherJson[]
  readonly startsAt: string
  readonly endsAt: string
  readonly updatedAt: string
  readonly createdBy: string
  readonly comment: string
}

export function silenceJson(s: Silence, nowMs: number): SilenceJson {
  return {
    id: s.id,
    status: { state: silenceState(s, nowMs) },
    matchers: s.matchers.map((m) => ({
      name: m.name,
      value: m.value,
      isRegex: m.type === '=~' || m.type === '!~',
      isEqual: m.type === '=' || m.type === '=~',
    })),
    startsAt: formatRfc3339(s.startsAtMs),
    endsAt: formatRfc3339(s.endsAtMs),
    updatedAt: formatRfc3339(s.updatedAtMs),
    createdBy: s.createdBy,
    comment: s.comment,
  }
}

/** One recorded state change of `GET /api/v1/alerts/history`. */
export interface AlertChangeJson {
  readonly fingerprint: string
  readonly ruleName: string
  readonly ruleKind: string
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  readonly from: string
  readonly to: string
  readonly at: string
  readonly atMs: number
  readonly value: JsonNumber
}

export function alertChangeJson(c: AlertHistoryChange): AlertChangeJson {
  return {
    fingerprint: c.fingerprint,
    ruleName: c.ruleName,
    ruleKind: c.ruleKind,
    labels: c.labels,
    annotations: c.annotations,
    from: c.from,
    to: c.to,
    at: formatRfc3339(c.atMs),
    atMs: c.atMs,
    value: jsonNumber(c.value),
  }
}
