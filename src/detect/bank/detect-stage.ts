import type { AnomalyRow, ResultRow } from '../../core/batch/index.js'
import type { DetectorConfig } from '../detector-config.js'
import { DetectorOutput, PointDetector } from '../point-detector.js'
import { SeriesBank } from './series-bank.js'

export interface DetectStageSettings {
  readonly detector: DetectorConfig
  /** The window size whose results are scored, per source job (e.g. rollups → 10 s). */
  readonly windowMs: number
  /** Rows with a score below this are not emitted (the anomalies stream carries the notable points). */
  readonly minScore: number
  /** Series per stage (per engine task and job); new series past it are refused and counted. */
  readonly maxSeries: number
  /** A series not seen for this long (event time) is forgotten and its slot reused. */
  readonly idleTtlMs: number
  /**
   * A shadow stage (a candidate detector beside the live one): its rows carry the feature suffixed
   * `SHADOW_SUFFIX`, are stored and queryable like the live ones, and alerting ignores them.
   */
  readonly shadow?: boolean
}

/** Appended to the feature of a shadow detector's anomaly rows (`mean@shadow`). */
export const SHADOW_SUFFIX = '@shadow'

/** What one stage call saw, for the task's counters. */
export interface DetectStageCounts {
  scored: number
  emitted: number
  refused: number
}

const SEP = '\u0001'
const NUL = '\u0000'
/** Extra numbers per series after the detector's: last scored window end, previous raw value, has one. */
const LAST_SCORED = 0
const PREVIOUS_RAW = 1
const HAS_PREVIOUS = 2
const EXTRA = 3

/**
 * Scores the results of one engine job as they close (the detectors as an engine stage, chained
 * behind the job's operator so a window's anomaly is committed in the same epoch as the window):
 * per result key the job's feature values (a series' mean, or its increase for counters; an
 * operation's rate, error ratio and p99 latency; a log stream's count) each become one detected
 * series. Each window is scored once, at its first final emission; later revisions (late data)
 * are not re-scored. Its state is a `SeriesBank`, checkpointed with the job.
 */
export class DetectStage {
  readonly bank: SeriesBank
  readonly #detector: PointDetector
  readonly #out = new DetectorOutput()
  readonly #groups = new Map<string, Map<string, string>>()
  readonly #base: number

  constructor(
    readonly source: string,
    private readonly settings: DetectStageSettings,
  ) {
    this.#detector = new PointDetector(settings.detector)
    this.#base = this.#detector.stride
    this.bank = new SeriesBank(this.#detector.stride + EXTRA, settings.maxSeries)
  }

  /** Scores the rows; appends anomalies to `out`; returns what it did. */
  process(rows: readonly ResultRow[], nowMs: number, out: AnomalyRow[], counts: DetectStageCounts): void {
    for (const row of rows) {
      if (!row.final || row.windowMs !== this.settings.windowMs) continue
      switch (this.source) {
        case 'rollups': {
          const name = metricName(row.key)
          if (name.endsWith('_bucket')) break
          if (isCounterName(name)) this.#score(row, 'increase', row.last, true, nowMs, out, counts)
          else this.#score(row, 'mean', row.mean, false, nowMs, out, counts)
          break
        }
        case 'red':
          this.#score(row, 'rate', row.count / (row.windowMs / 1000), false, nowMs, out, counts)
          if (row.count > 0)
            this.#score(row, 'error_ratio', row.errors / row.count, false, nowMs, out, counts)
          if (!Number.isNaN(row.p99)) this.#score(row, 'p99_ms', row.p99, false, nowMs, out, counts)
          break
        default:
          this.#score(row, 'count', row.count, false, nowMs, out, counts)
      }
    }
  }

  #score(
    row: ResultRow,
    feature: string,
    raw: number,
    increase: boolean,
    nowMs: number,
    out: AnomalyRow[],
    counts: DetectStageCounts,
  ): void {
    const bank = this.bank
    const slot = bank.slot(this.#group(row.tenant, feature), row.key, row.windowEnd)
    if (slot < 0) {
      counts.refused++
      return
    }
    const s = bank.state
    const base = slot * bank.stride
    const extra = base + this.#base
    if (row.windowEnd <= s[extra + LAST_SCORED]!) return // a later revision of a scored window
    s[extra + LAST_SCORED] = row.windowEnd
    let value = raw
    if (increase) {
      const previous = s[extra + PREVIOUS_RAW]!
      const first = s[extra + HAS_PREVIOUS] === 0
      s[extra + PREVIOUS_RAW] = raw
      s[extra + HAS_PREVIOUS] = 1
      if (first) return // an increase needs two windows
      value = raw >= previous ? raw - previous : raw // a counter reset: the new count is the increase
    }
    const o = this.#out
    this.#detector.update(s, base, row.windowEnd, value, o)
    counts.scored++
    if (o.score < this.settings.minScore && !o.alert) return
    counts.emitted++
    out.push({
      tenant: row.tenant,
      source: this.source,
      key: row.key,
      feature: this.settings.shadow === true ? feature + SHADOW_SUFFIX : feature,
      windowMs: row.windowMs,
      timeMs: row.windowEnd,
      value,
      score: o.score,
      alert: o.alert,
      novelty: o.novelty,
      levelZ: o.levelZ,
      seasonalZ: o.seasonalZ,
      changePoint: o.changePoint,
      detectedAtMs: nowMs,
    })
  }

  /** The bank group of (tenant, feature), built once per pair rather than once per row. */
  #group(tenant: string, feature: string): string {
    let byFeature = this.#groups.get(tenant)
    if (byFeature === undefined) this.#groups.set(tenant, (byFeature = new Map()))
    let group = byFeature.get(feature)
    if (group === undefined) byFeature.set(feature, (group = tenant + SEP + feature))
    return group
  }

  /** Forgets series idle since before `watermarkMs − idleTtlMs`; returns how many. */
  evictIdle(watermarkMs: number): number {
    return this.bank.evictIdle(watermarkMs - this.settings.idleTtlMs)
  }
}

/** The metric name in a rollups key (label names and values joined with NUL); no allocation but the name. */
function metricName(key: string): string {
  let at = 0
  while (at < key.length) {
    const nameEnd = key.indexOf(NUL, at)
    if (nameEnd < 0) return ''
    const valueEnd = key.indexOf(NUL, nameEnd + 1)
    if (nameEnd - at === 8 && key.startsWith('__name__', at)) {
      return key.slice(nameEnd + 1, valueEnd < 0 ? key.length : valueEnd)
    }
    if (valueEnd < 0) return ''
    at = valueEnd + 1
  }
  return ''
}

/** Prometheus/OpenMetrics naming: cumulative series are scored on their increase per window. */
function isCounterName(name: string): boolean {
  return (
    name.endsWith('_total') || name.endsWith('_count') || name.endsWith('_sum') || name.endsWith('_created')
  )
}
