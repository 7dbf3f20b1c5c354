import { PipelineError } from '../../core/index.js'
import { labelValue, labelsKey } from '../../core/batch/index.js'
import type { Labels } from '../../core/batch/index.js'
import { PromQLParseError, parsePromQL } from '../../query/promql/parse.js'
import type { AlertCandidate } from '../alert-candidate.js'
import { canonicalLabels } from '../alert-labels.js'
import type { AlertLabels } from '../alert.js'
import type { AnomalyObservation } from '../anomaly-observation.js'
import { compileMatcher } from '../label-matcher.js'
import type { CompiledMatcher } from '../label-matcher.js'
import type { RuleEvalSettings } from './prometheus-rule-evaluator.js'
import { expandTemplate } from './template.js'

/** An anomaly rule as configured. */
export interface AnomalyRuleSpec {
  /** The `alertname` of its alerts. */
  readonly name: string
  /**
   * A PromQL series selector choosing the series it watches, with PromQL's `=`, `!=`, `=~`, `!~`:
   * `http_request_duration_seconds{service="checkout"}`, `{job=~"api|web", env!="dev"}`.
   */
  readonly selector: string
  /** The condition: score ≥ minScore (in [0, 1]). Undefined: the detector's own decision (`isAnomaly`). */
  readonly minScore?: number
  /** How long (event time) the condition must hold before the alert fires. */
  readonly forMs: number
  readonly keepFiringForMs?: number
  /** Added to the alert's labels; templates as in Prometheus rules (`$value` is the score). */
  readonly labels?: AlertLabels
  readonly annotations?: AlertLabels
}

export interface AnomalyRuleSettings extends RuleEvalSettings {
  /** A series whose last anomalous observation is older than this (event time) no longer alerts. Default 5 min. */
  readonly staleAfterMs?: number
  /** Most series the rule tracks at once (all tenants); more are dropped and counted. Default 10,000. */
  readonly maxSeries?: number
}

export const DEFAULT_ANOMALY_STALE_AFTER_MS = 5 * 60_000
export const DEFAULT_ANOMALY_MAX_SERIES = 10_000

interface SeriesState {
  readonly labels: Labels
  /** Event time of the first observation of the current run of anomalous ones. */
  readonly activeSinceMs: number
  lastMs: number
  score: number
  /** `candidates` has seen it at least once. */
  evaluated: boolean
  /** The condition cleared before any evaluation saw it: it is a candidate once, then forgotten. */
  cleared: boolean
}

/**
 * An anomaly rule: alerts on series whose anomaly score stays at or above `minScore` for `forMs` of
 * event time. `observe` takes the detectors' scored points (synchronously, per batch); only series
 * currently in the condition are kept, from their first anomalous point (`activeSinceMs`) until a
 * point below the threshold, or until they have been silent for `staleAfterMs`. `candidates` turns
 * a tenant's series into alert candidates at an evaluation time (event time, e.g. the watermark),
 * which the rule's `AlertTracker` (with `forMs`, `keepFiringForMs`) makes into alerts; the
 * candidate's `activeSinceMs` makes `for` count from the first anomalous point, not from the
 * evaluation.
 *
 * Alert labels: the series' labels, with the metric name as `metric` (a series' own `metric`
 * label moves to `exported_metric`, Prometheus' convention for a clash), then the rule's labels,
 * then `alertname`. Templates see the series' labels with `__name__` and `$value` = the score.
 * Points of a series must come in event-time order; an older point than the last is ignored and
 * counted (`outOfOrder`).
 */
export class AnomalyRule {
  readonly name: string
  readonly forMs: number
  readonly keepFiringForMs: number
  readonly #spec: AnomalyRuleSpec
  readonly #settings: RuleEvalSettings
  readonly #staleAfterMs: number
  readonly #maxSeries: number
  readonly #matchers: readonly CompiledMatcher[]
  /** Whether a series (by its shared label array) is selected; computed once per array. */
  readonly #selected = new WeakMap<Labels, boolean>()
  readonly #series = new Map<string, Map<string, SeriesState>>()
  #count = 0
  #droppedSeries = 0
  #outOfOrder = 0

  constructor(spec: AnomalyRuleSpec, settings: AnomalyRuleSettings) {
    this.#matchers = validate(spec)
    this.#spec = spec
    this.name = spec.name
    this.forMs = spec.forMs
    this.keepFiringForMs = spec.keepFiringForMs ?? 0
    this.#settings = { externalLabels: settings.externalLabels, externalURL: settings.externalURL }
    this.#staleAfterMs = settings.staleAfterMs ?? DEFAULT_ANOMALY_STALE_AFTER_MS
    this.#maxSeries = settings.maxSeries ?? DEFAULT_ANOMALY_MAX_SERIES
  }

  /** Series not tracked because `maxSeries` was reached. */
  get droppedSeries(): number {
    return this.#droppedSeries
  }

  /** Observations older than the last one of their series, ignored. */
  get outOfOrder(): number {
    return this.#outOfOrder
  }

  /** Series currently in the condition (all tenants). */
  get trackedSeries(): number {
    return this.#count
  }

  observe(observations: readonly AnomalyObservation[]): void {
    const minScore = this.#spec.minScore
    for (const o of observations) {
      if (!this.#isSelected(o.labels)) continue
      const hit = minScore === undefined ? o.isAnomaly : o.score >= minScore
      let tenant = this.#series.get(o.tenant)
      const key = labelsKey(o.labels)
      const state = tenant?.get(key)
      if (state !== undefined && o.timeMs < state.lastMs) {
        this.#outOfOrder++
        continue
      }
      if (!hit) {
        if (state === undefined) continue
        // A short anomaly whose next point arrived in the same batch still counts once.
        if (state.evaluated) this.#delete(o.tenant, key)
        else state.cleared = true
        continue
      }
      if (state !== undefined) {
        if (state.cleared) {
          // Anomalous again before any evaluation: one run, as if it never cleared.
          state.cleared = false
        }
        state.lastMs = o.timeMs
        state.score = o.score
        continue
      }
      if (this.#count >= this.#maxSeries) {
        this.#droppedSeries++
        continue
      }
      if (tenant === undefined) {
        tenant = new Map()
        this.#series.set(o.tenant, tenant)
      }
      tenant.set(key, {
        labels: o.labels,
        activeSinceMs: o.timeMs,
        lastMs: o.timeMs,
        score: o.score,
        evaluated: false,
        cleared: false,
      })
      this.#count++
    }
  }

  /** The tenant's alert candidates at `evalTimeMs` (event time); forgets series gone stale. */
  candidates(tenant: string, evalTimeMs: number): AlertCandidate[] {
    const series = this.#series.get(tenant)
    if (series === undefined) return []
    const out: AlertCandidate[] = []
    const seen = new Set<string>()
    for (const [key, s] of series) {
      // Stale only once an evaluation has seen it: a series whose partition lags the tenant's
      // newest event time still gets its anomaly evaluated once.
      if (evalTimeMs - s.lastMs > this.#staleAfterMs && s.evaluated) {
        this.#delete(tenant, key)
        continue
      }
      const candidate = this.#candidate(s)
      s.evaluated = true
      if (s.cleared) this.#delete(tenant, key)
      const id = JSON.stringify(candidate.labels)
      if (seen.has(id)) continue // rule labels made two series one alert: the first one stands
      seen.add(id)
      out.push(candidate)
    }
    return out
  }

  #candidate(s: SeriesState): AlertCandidate {
    const seriesLabels = Object.fromEntries(pairsOf(s.labels))
    const data = { ...this.#settings, labels: seriesLabels, value: s.score }
    const pairs: [string, string][] = []
    for (const [n, v] of pairsOf(s.labels)) {
      if (n === '__name__') pairs.push(['metric', v])
      else
        pairs.push([
          n === 'metric' && labelValue(s.labels, '__name__') !== undefined ? 'exported_metric' : n,
          v,
        ])
    }
    for (const [n, text] of Object.entries(this.#spec.labels ?? {}))
      pairs.push([n, expandTemplate(text, data)])
    pairs.push(['alertname', this.name])
    const annotations = Object.entries(this.#spec.annotations ?? {}).map(
      ([n, text]) => [n, expandTemplate(text, data)] as const,
    )
    return {
      labels: canonicalLabels(pairs),
      annotations: canonicalLabels(annotations),
      value: s.score,
      activeSinceMs: s.activeSinceMs,
    }
  }

  #isSelected(labels: Labels): boolean {
    let selected = this.#selected.get(labels)
    if (selected === undefined) {
      selected = this.#matchers.every((m) => m.matches(labelValue(labels, m.name) ?? ''))
      this.#selected.set(labels, selected)
    }
    return selected
  }

  #delete(tenant: string, key: string): void {
    const series = this.#series.get(tenant)
    if (series?.delete(key) !== true) return
    this.#count--
    if (series.size === 0) this.#series.delete(tenant)
  }
}

function* pairsOf(labels: Labels): Generator<[string, string]> {
  for (let i = 0; i + 1 < labels.length; i += 2) yield [labels[i]!, labels[i + 1]!]
}

/** Checks a spec and compiles its selector; throws `ALERT_RULE_INVALID` naming the rule. */
function validate(spec: AnomalyRuleSpec): CompiledMatcher[] {
  const fail = (msg: string): never => {
    throw new PipelineError(`anomaly rule ${JSON.stringify(spec.name)}: ${msg}`, {
      code: 'ALERT_RULE_INVALID',
      domain: 'user',
      retryable: false,
    })
  }
  if (spec.name === '') fail('the name must not be empty')
  if (spec.minScore !== undefined && !(spec.minScore >= 0 && spec.minScore <= 1)) {
    fail(`minScore must be in [0, 1], not ${spec.minScore}`)
  }
  if (!(spec.forMs >= 0) || !((spec.keepFiringForMs ?? 0) >= 0))
    fail('for and keep_firing_for must not be negative')
  let parsed
  try {
    parsed = parsePromQL(spec.selector).expr
  } catch (err) {
    if (!(err instanceof PromQLParseError)) throw err
    return fail(`selector: ${err.message}`)
  }
  if (parsed.kind !== 'vector' || parsed.offsetMs !== 0) {
    return fail(
      `selector ${JSON.stringify(spec.selector)} must be a series selector like http_requests_total{job="api"}`,
    )
  }
  return parsed.matchers.map((m) => compileMatcher({ name: m.name, type: m.type, value: m.value }))
}
