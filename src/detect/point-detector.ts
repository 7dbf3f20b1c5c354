import { ChangePoint } from './change-point/cusum.js'
import type { DetectorConfig } from './detector-config.js'
import { Ensemble } from './ensemble/ensemble.js'
import { FeatureExtractor, PointFeatures } from './features/point-features.js'
import { ValueDensity } from './novelty/value-density.js'
import { RobustLevel } from './robust/robust-level.js'
import { Suddenness } from './robust/suddenness.js'
import { DailyProfile } from './seasonal/daily-profile.js'
import { StateLayout } from './state-layout.js'

/** What `update` tells about one point; one instance reused for every point. */
export class DetectorOutput {
  /** Calibrated anomaly score in [0, 1]. */
  score = 0
  /** The default alerting policy's decision for this point. */
  alert = false
  /** The evidence: the novelty detector's surprise, [0, 1]. */
  novelty = 0
  /** The robust level detector's residual, in scales. */
  levelZ = 0
  /** The seasonal baseline's residual, in scales (0 when the series shows no daily pattern). */
  seasonalZ = 0
  /** A persistent shift was declared at this point and the models re-baselined. */
  changePoint = false
  /** The series is still warming up (score 0). */
  warmingUp = true
}

/**
 * The per-point anomaly detector: feature extraction, then four detectors (robust level/scale,
 * novelty of the value distribution, a daily seasonal baseline, a CUSUM change-point detector that
 * re-baselines the others) and the ensemble that turns their evidence into one score and decision.
 * It holds no per-series data itself: every series' state is `stride` numbers in a Float64Array at
 * `base`, so one detector serves any number of series (see `SeriesBank`) and the state checkpoints
 * as bytes. The same code runs live and in `vigil eval metrics`.
 *
 * ```ts
 * const detector = new PointDetector(detectorConfig())
 * const state = detector.newState(1)
 * const out = new DetectorOutput()
 * detector.update(state, 0, Date.parse('2026-01-01T00:00:00Z'), 42, out)
 * ```
 */
export class PointDetector {
  readonly layout = new StateLayout()
  readonly #features: FeatureExtractor
  readonly #min: number
  readonly #max: number
  readonly #quantum: number
  readonly #robust: RobustLevel
  readonly #suddenness: Suddenness
  readonly #novelty: ValueDensity
  readonly #seasonal: DailyProfile
  readonly #changePoint: ChangePoint
  readonly #ensemble: Ensemble
  readonly #point = new PointFeatures()

  constructor(readonly config: DetectorConfig) {
    const layout = this.layout
    this.#features = new FeatureExtractor(layout)
    this.#min = layout.reserve('warmup.min')
    this.#max = layout.reserve('warmup.max')
    this.#quantum = layout.reserve('warmup.quantum')
    this.#robust = new RobustLevel(layout, config.robust)
    this.#suddenness = new Suddenness(layout, config.suddenness)
    this.#novelty = new ValueDensity(layout, config.novelty)
    this.#seasonal = new DailyProfile(layout, config.seasonal)
    this.#changePoint = new ChangePoint(layout, config.changePoint)
    this.#ensemble = new Ensemble(layout, config.ensemble)
  }

  /** Numbers of state per series. */
  get stride(): number {
    return this.layout.stride
  }

  /** Fresh state for `series` series (all zero is the initial state). */
  newState(series: number): Float64Array {
    return new Float64Array(series * this.stride)
  }

  /**
   * Scores one point of the series whose state starts at `base` and learns from it. Points must come
   * in the series' order. NaN (a Prometheus staleness marker, a gap) is skipped: score 0, state
   * untouched. ±Infinity scores 1 without being learned.
   */
  update(s: Float64Array, base: number, timeMs: number, value: number, out: DetectorOutput): void {
    out.changePoint = false
    out.alert = false
    if (!Number.isFinite(value)) {
      out.score = Number.isNaN(value) ? 0 : 1
      out.alert = out.score >= this.config.alertThreshold && !out.warmingUp
      out.novelty = out.score
      out.levelZ = 0
      out.seasonalZ = 0
      return
    }
    const p = this.#point
    this.#features.extract(s, base, timeMs, value, p)
    const count = p.count
    const config = this.config
    const levelZ = count > 1 ? this.#robust.z(s, base, value) : 0
    const seasonalResidual = this.#seasonal.residual(s, base, p)
    const seasonal = !Number.isNaN(seasonalResidual)
    const seasonalZ = seasonal ? this.#seasonal.z(s, base, seasonalResidual) : 0
    out.levelZ = levelZ
    out.seasonalZ = seasonalZ

    if (count <= config.rangePoints) {
      s[base + this.#min] = count === 1 ? value : Math.min(s[base + this.#min]!, value)
      s[base + this.#max] = count === 1 ? value : Math.max(s[base + this.#max]!, value)
      const step = Math.abs(p.delta)
      if (step > 0 && (s[base + this.#quantum] === 0 || step < s[base + this.#quantum]!))
        s[base + this.#quantum] = step
      if (count === config.rangePoints) {
        this.#novelty.fit(s, base, s[base + this.#min]!, s[base + this.#max]!, s[base + this.#quantum]!)
      }
    }
    const fitted = this.#novelty.fitted(s, base)
    const warm = count > config.warmupPoints
    const novelty =
      fitted && warm
        ? this.#novelty.surprise(s, base, value) * this.#suddenness.factor(s, base, value, count)
        : 0
    out.novelty = novelty
    out.warmingUp = !warm
    out.score = warm ? this.#ensemble.combine(s, base, novelty, levelZ, seasonalZ) : 0
    out.alert = warm && out.score >= config.alertThreshold

    // Learn.
    const level = this.#robust.level(s, base)
    this.#seasonal.update(s, base, p)
    if (this.#novelty.fitted(s, base)) this.#novelty.add(s, base, value)
    this.#robust.update(s, base, value, count)
    this.#suddenness.update(s, base, value, count)
    if (config.changePoint.enabled && warm) {
      // The residual against the baseline in use: the daily profile when it explains the series
      // (its daily swings are not shifts), the level otherwise.
      const residual = seasonal ? seasonalResidual : value - level
      const delta = this.#changePoint.update(s, base, seasonal ? seasonalZ : levelZ, residual)
      if (!Number.isNaN(delta)) {
        this.#robust.rebase(s, base, this.#robust.level(s, base) + delta)
        if (seasonal) this.#seasonal.shift(s, base, delta)
        if (config.changePoint.shiftNovelty) this.#novelty.shift(s, base, delta)
        out.changePoint = true
      }
    }
  }
}
