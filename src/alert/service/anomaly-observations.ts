import { METRIC_NAME_LABEL, sortLabels } from '../../core/batch/index.js'
import type { AnomalyRow, Labels } from '../../core/batch/index.js'
import { SHADOW_SUFFIX } from '../../detect/index.js'
import type { AnomalyObservation } from '../anomaly-observation.js'

/** Label arrays remembered per detected series (so rules see one shared array per series). */
const MAX_CACHED = 100_000
const NUL = '\u0000'

/**
 * Turns the detectors' anomaly rows into the observations anomaly rules watch. A rollups series
 * keeps its own labels; an operation's RED feature becomes the series
 * `red_<feature>{service, operation}` and a log stream's count `log_lines{service, severity}`.
 */
export class AnomalyObservations {
  readonly #labels = new Map<string, Labels>()

  /** The live detectors' rows as observations; a shadow detector's rows are left out (never alerted on). */
  convert(rows: readonly AnomalyRow[]): AnomalyObservation[] {
    const out: AnomalyObservation[] = []
    for (const r of rows) {
      if (r.feature.endsWith(SHADOW_SUFFIX)) continue
      out.push({
        tenant: r.tenant,
        labels: this.#labelsOf(r),
        timeMs: r.timeMs,
        score: r.score,
        isAnomaly: r.alert,
      })
    }
    return out
  }

  #labelsOf(r: AnomalyRow): Labels {
    const id = r.source + NUL + r.feature + NUL + r.key
    const cached = this.#labels.get(id)
    if (cached !== undefined) return cached
    let pairs: string[]
    if (r.source === 'rollups') {
      pairs = r.key.split(NUL)
      if (pairs.length % 2 !== 0) pairs.pop()
    } else {
      const at = r.key.indexOf(NUL)
      const service = at < 0 ? r.key : r.key.slice(0, at)
      const second = at < 0 ? '' : r.key.slice(at + 1)
      pairs =
        r.source === 'red'
          ? [METRIC_NAME_LABEL, `red_${r.feature}`, 'service', service, 'operation', second]
          : [METRIC_NAME_LABEL, 'log_lines', 'service', service, 'severity', second]
    }
    const labels = sortLabels(pairs)
    if (this.#labels.size >= MAX_CACHED) this.#labels.clear()
    this.#labels.set(id, labels)
    return labels
  }
}
