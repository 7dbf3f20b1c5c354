import { PipelineError } from '../core/index.js'
import type { ChangePointConfig } from './change-point/cusum.js'
import type { EnsembleConfig } from './ensemble/ensemble.js'
import type { ValueDensityConfig } from './novelty/value-density.js'
import type { RobustLevelConfig } from './robust/robust-level.js'
import type { SuddennessConfig } from './robust/suddenness.js'
import type { DailyProfileConfig } from './seasonal/daily-profile.js'

/** One configuration for every series: no per-series setup (docs/detection.md#configuration). */
export interface DetectorConfig {
  /** Points used to learn the range before the novelty detector starts counting. */
  readonly rangePoints: number
  /** Points before any score is given (scores are 0 while a series warms up). */
  readonly warmupPoints: number
  readonly robust: RobustLevelConfig
  /** Gates novelty: values reached by a slow drift are not novel at every step. */
  readonly suddenness: SuddennessConfig
  readonly novelty: ValueDensityConfig
  readonly seasonal: DailyProfileConfig
  readonly changePoint: ChangePointConfig & {
    readonly enabled: boolean
    /** Also translate the novelty histogram on a declared shift (otherwise it forgets by decay). */
    readonly shiftNovelty: boolean
  }
  readonly ensemble: EnsembleConfig
  /** The default alerting policy: a point alerts when its score reaches this. */
  readonly alertThreshold: number
}

/** Defaults chosen on NAB's developer split (docs/detection.md#evaluation); one set for all series. */
export const defaultDetectorConfig: DetectorConfig = {
  rangePoints: 300,
  warmupPoints: 450,
  robust: { alpha: 0.03, huberK: 3 },
  suddenness: { fastAlpha: 0.3, deviationAlpha: 0.01, scales: 2, power: 1 },
  novelty: { bins: 48, margin: 0.5, decay: 0.9995, pseudoCount: 0.5, smoothing: 0.5, refitFraction: 0.02 },
  seasonal: { bins: 24, alpha: 0.2, gate: 0.5 },
  changePoint: { enabled: true, shiftNovelty: false, k: 0.5, h: 40, clip: 3, fastAlpha: 0.1 },
  ensemble: {
    noveltyWeight: 1,
    levelWeight: 0,
    seasonalWeight: 1,
    zLow: 4,
    zHigh: 12,
    suppressionDecay: 0.995,
    suppressionFactor: 0.2,
  },
  alertThreshold: 0.95,
}

type DeepPartial<T> = { -readonly [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }
export type DetectorConfigOverrides = DeepPartial<DetectorConfig>

/** `defaultDetectorConfig` with `overrides` merged in, validated. */
export function detectorConfig(overrides: DetectorConfigOverrides = {}): DetectorConfig {
  const d = defaultDetectorConfig
  const config: DetectorConfig = {
    ...d,
    ...pick(overrides, ['rangePoints', 'warmupPoints', 'alertThreshold']),
    robust: { ...d.robust, ...overrides.robust },
    suddenness: { ...d.suddenness, ...overrides.suddenness },
    novelty: { ...d.novelty, ...overrides.novelty },
    seasonal: { ...d.seasonal, ...overrides.seasonal },
    changePoint: { ...d.changePoint, ...overrides.changePoint },
    ensemble: { ...d.ensemble, ...overrides.ensemble },
  }
  validateDetectorConfig(config)
  return config
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {}
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k]
  return out
}

function check(ok: boolean, path: string, rule: string, value: unknown): void {
  if (!ok) {
    throw new PipelineError(`detector config: ${path} must be ${rule} (got ${String(value)})`, {
      code: 'detect.invalid_config',
      domain: 'user',
      retryable: false,
    })
  }
}

const fraction = (v: number): boolean => v > 0 && v <= 1
const nonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v)

export function validateDetectorConfig(c: DetectorConfig): void {
  check(Number.isInteger(c.rangePoints) && c.rangePoints >= 2, 'rangePoints', 'an integer ≥ 2', c.rangePoints)
  check(
    Number.isInteger(c.warmupPoints) && c.warmupPoints >= c.rangePoints,
    'warmupPoints',
    'an integer ≥ rangePoints',
    c.warmupPoints,
  )
  check(fraction(c.robust.alpha), 'robust.alpha', 'in (0, 1]', c.robust.alpha)
  check(c.robust.huberK > 0, 'robust.huberK', '> 0', c.robust.huberK)
  check(fraction(c.suddenness.fastAlpha), 'suddenness.fastAlpha', 'in (0, 1]', c.suddenness.fastAlpha)
  check(
    fraction(c.suddenness.deviationAlpha),
    'suddenness.deviationAlpha',
    'in (0, 1]',
    c.suddenness.deviationAlpha,
  )
  check(c.suddenness.scales > 0, 'suddenness.scales', '> 0', c.suddenness.scales)
  check(nonNegative(c.suddenness.power), 'suddenness.power', '≥ 0', c.suddenness.power)
  check(
    Number.isInteger(c.novelty.bins) && c.novelty.bins >= 2 && c.novelty.bins <= 256,
    'novelty.bins',
    'an integer in [2, 256]',
    c.novelty.bins,
  )
  check(nonNegative(c.novelty.margin), 'novelty.margin', '≥ 0', c.novelty.margin)
  check(c.novelty.decay > 0 && c.novelty.decay < 1, 'novelty.decay', 'in (0, 1)', c.novelty.decay)
  check(c.novelty.pseudoCount > 0, 'novelty.pseudoCount', '> 0', c.novelty.pseudoCount)
  check(
    c.novelty.refitFraction >= 0 && c.novelty.refitFraction < 1,
    'novelty.refitFraction',
    'in [0, 1)',
    c.novelty.refitFraction,
  )
  check(
    c.novelty.smoothing >= 0 && c.novelty.smoothing <= 1,
    'novelty.smoothing',
    'in [0, 1]',
    c.novelty.smoothing,
  )
  check(
    Number.isInteger(c.seasonal.bins) && c.seasonal.bins >= 2 && c.seasonal.bins <= 288,
    'seasonal.bins',
    'an integer in [2, 288]',
    c.seasonal.bins,
  )
  check(fraction(c.seasonal.alpha), 'seasonal.alpha', 'in (0, 1]', c.seasonal.alpha)
  check(c.seasonal.gate > 0, 'seasonal.gate', '> 0', c.seasonal.gate)
  check(nonNegative(c.changePoint.k), 'changePoint.k', '≥ 0', c.changePoint.k)
  check(c.changePoint.h > 0, 'changePoint.h', '> 0', c.changePoint.h)
  check(c.changePoint.clip > 0, 'changePoint.clip', '> 0', c.changePoint.clip)
  check(fraction(c.changePoint.fastAlpha), 'changePoint.fastAlpha', 'in (0, 1]', c.changePoint.fastAlpha)
  const e = c.ensemble
  for (const k of ['noveltyWeight', 'levelWeight', 'seasonalWeight'] as const)
    check(nonNegative(e[k]), `ensemble.${k}`, '≥ 0', e[k])
  check(e.zHigh > e.zLow && e.zLow >= 0, 'ensemble.zHigh', '> ensemble.zLow ≥ 0', e.zHigh)
  check(
    e.suppressionDecay >= 0 && e.suppressionDecay < 1,
    'ensemble.suppressionDecay',
    'in [0, 1)',
    e.suppressionDecay,
  )
  check(
    e.suppressionFactor >= 0 && e.suppressionFactor <= 1,
    'ensemble.suppressionFactor',
    'in [0, 1]',
    e.suppressionFactor,
  )
  check(c.alertThreshold > 0 && c.alertThreshold <= 1, 'alertThreshold', 'in (0, 1]', c.alertThreshold)
}
